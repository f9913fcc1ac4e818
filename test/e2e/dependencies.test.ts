// spec.dependsOn on two real local clusters with real Helm and the real CLI: istio depends on cert-manager, whose
// install is slow (the test chart's pre-install hook). Applied together, istio waits on each cluster and says so,
// and its release is created only after cert-manager is Running there (Helm's own timestamps). Deleting
// cert-manager with --uninstall is held while istio is installed and proceeds once istio is deleted.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { execa } from 'execa';
import type { IntegrationSpec, TargetSpec } from '../../shared/types.js';
import { integrationStatusQuery, workflowIds } from '../../workflows/definitions.js';
import { toolEnv, waitFor } from './env/environment.js';
import { clusterOf, startKsit, testChart, type KsitHarness } from './helpers/ksit-worker.js';

const CLUSTERS = ['cluster-1', 'cluster-2'];
const HOOK_SECONDS = 20;

let ksit: KsitHarness;
let t: TargetSpec[];
let certManager: IntegrationSpec;
let istio: IntegrationSpec;

beforeAll(async () => {
  ksit = await startKsit();
  t = await Promise.all(CLUSTERS.map((c) => ksit.target(c)));
  certManager = ksit.spec('cert-manager', t, {
    install: testChart(ksit.env, 'cert-manager', 'v1.14.4', 'cert-manager', { installHookSeconds: HOOK_SECONDS }),
    gracePeriodMs: 5_000,
  });
  istio = ksit.spec('istio', t, {
    install: testChart(ksit.env, 'istiod', '1.20.2', 'istiod'),
    gracePeriodMs: 5_000,
    dependsOn: [{ name: certManager.name, namespace: certManager.namespace }],
  });
}, 300_000);

afterAll(async () => {
  await ksit?.stop();
}, 120_000);

const cli = (args: string[]) => ksit.cli(args);

/** `helm status` of a release on a cluster: when it was first deployed, or undefined when there is none. */
async function release(cluster: string, spec: IntegrationSpec): Promise<{ firstDeployed: number } | undefined> {
  const c = ksit.env.clusters.find((x) => x.name === cluster);
  if (!c || spec.install?.method !== 'helm') throw new Error(`no cluster ${cluster} or no Helm install`);
  const r = await execa(
    'helm',
    [
      ...['status', spec.install.releaseName, '-n', spec.toolNamespace],
      ...['--kubeconfig', c.kubeconfig, '--kube-context', c.context, '-o', 'json'],
    ],
    { env: toolEnv(ksit.env), reject: false },
  );
  if (r.exitCode !== 0) {
    if (/not found/.test(r.stderr)) return undefined;
    throw new Error(`helm status on ${cluster}: ${r.stderr}`);
  }
  const info = (JSON.parse(r.stdout) as { info: { first_deployed: string } }).info;
  return { firstDeployed: Date.parse(info.first_deployed) };
}

test('applied together: the dependent waits on each cluster, says for what, and installs only after it is Running', async () => {
  // The dependent first: the order of applying must not matter.
  const dependent = await ksit.integration(istio);
  const dependency = await ksit.integration(certManager);
  const waiting = await dependent.until('istio waiting on every cluster', (s) =>
    t.every((x) => clusterOf(s, x)?.message.startsWith(`waiting for ${certManager.name} on ${x.name}`)),
  );
  for (const x of t) expect(clusterOf(waiting, x)?.phase).toBe('Pending');
  for (const x of t) expect(await release(x.clusterName ?? x.name, istio)).toBeUndefined();

  const running = (s: { clusters: { phase: string }[] }) =>
    s.clusters.length === t.length && s.clusters.every((c) => c.phase === 'Running');
  const cm = await dependency.until('cert-manager Running', running, 240_000);
  await dependent.until('istio Running', running, 240_000);
  for (const x of t) {
    const cluster = x.clusterName ?? x.name;
    const runningAt = clusterOf(cm, x)?.transitions.find((tr) => tr.phase === 'Running')?.at;
    if (!runningAt) throw new Error(`cert-manager never shows Running on ${cluster}`);
    const dependencyRelease = await release(cluster, certManager);
    const dependentRelease = await release(cluster, istio);
    if (!dependencyRelease || !dependentRelease) throw new Error(`a release is missing on ${cluster}`);
    // The slow hook keeps cert-manager's release pending for HOOK_SECONDS; istio's is created after that, and
    // after cert-manager was seen Running on this very cluster.
    expect(dependentRelease.firstDeployed).toBeGreaterThan(dependencyRelease.firstDeployed + HOOK_SECONDS * 1000);
    expect(dependentRelease.firstDeployed).toBeGreaterThanOrEqual(Date.parse(runningAt));
  }
}, 400_000);

test('delete --uninstall of the dependency is held while the dependent is installed, then proceeds', async () => {
  const ns = certManager.namespace;
  const held = cli(['delete', 'integration', certManager.name, '--uninstall', '-n', ns, '--timeout', '5m']);
  const dependency = ksit.client.workflow.getHandle(workflowIds.integration(ns, certManager.name));
  await waitFor(
    'cert-manager held on every cluster',
    async () => {
      const s = await dependency.query(integrationStatusQuery);
      return s.clusters.length === t.length && s.clusters.every((c) => c.message.startsWith('uninstall held'))
        ? s
        : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 1_000 },
  );
  // Held means held: well past the time an uninstall takes, every release is still there.
  await new Promise((resolve) => setTimeout(resolve, 10_000));
  for (const x of t) expect(await release(x.clusterName ?? x.name, certManager)).toBeDefined();

  const dependentGone = await cli(['delete', 'integration', istio.name, '--uninstall', '-n', ns, '--timeout', '5m']);
  expect(dependentGone.exitCode).toBe(0);
  const done = await held;
  expect(done.stderr).toContain(`uninstall held: still needed here by ${ns}/${istio.name}`);
  expect(done.stdout).toContain(`${certManager.name} deleted`);
  expect(done.exitCode).toBe(0);
  for (const x of t) {
    expect(await release(x.clusterName ?? x.name, istio)).toBeUndefined();
    expect(await release(x.clusterName ?? x.name, certManager)).toBeUndefined();
  }
}, 400_000);
