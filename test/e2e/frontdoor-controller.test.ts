// The Kubernetes front door end to end: Integration and IntegrationTarget objects on the control cluster, the
// controller (two replicas, one Lease), a real worker, real Helm on two KWOK clusters. kubectl is the only way in
// here; kstatus (the library Flux's health checks use) judges the objects at every step.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { parse } from 'yaml';
import type { IntegrationStatusCR } from '../../controller/crd/status-schema.js';
import { workflowIds } from '../../workflows/definitions.js';
import { injectFault, kubeClient, waitFor } from './env/environment.js';
import {
  controlCluster,
  ensureNamespace,
  installCrds,
  kubectl,
  kubectlOk,
  dropFinalizers,
} from './frontdoor/control-cluster.js';
import { startController, type ControllerProcess } from './frontdoor/controller-process.js';
import { kstatusOf } from './frontdoor/kstatus.js';
import { type KsitHarness, startKsit } from './helpers/ksit-worker.js';

const run = randomUUID().slice(0, 8);
const ns = `fd-${run}`;
const toolNs = `argocd-fd-${run}`;
const certNs = `cm-fd-${run}`;
let ksit: KsitHarness;
const controllers: ControllerProcess[] = [];
const kstatusSeen: string[] = [];

interface CR {
  metadata: { generation: number; annotations?: Record<string, string> };
  status?: IntegrationStatusCR;
}
const getCr = async (resource: string, namespace = ns): Promise<CR> =>
  JSON.parse(await kubectlOk(['get', resource, '-n', namespace, '-o', 'json'])) as CR;
const cond = (cr: CR, type: string) => cr.status?.conditions?.find((c) => c.type === type);

/** Waits for a predicate on the object, and notes what kstatus says once it holds. */
async function until(what: string, resource: string, pred: (cr: CR) => boolean, timeoutMs = 120_000, namespace = ns) {
  let last: CR | undefined;
  try {
    await waitFor(
      what,
      async () => {
        last = await getCr(resource, namespace);
        return pred(last) ? true : undefined;
      },
      { timeoutMs, intervalMs: 500 },
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}\nlast: ${JSON.stringify(last?.status, null, 1)}`);
  }
  const seenAt = Date.now();
  const k = await kstatusOf(resource, namespace);
  kstatusSeen.push(`${what}: ${k.status}`);
  return { cr: last!, kstatus: k.status, seenAt };
}

const cli = (args: string[]) => ksit.cli(args);

function integrationYaml(name: string, spec: string, namespace = ns): string {
  return `apiVersion: ksit.io/v1alpha1\nkind: Integration\nmetadata: {name: ${name}, namespace: ${namespace}}\nspec:\n${spec}`;
}

const argocd = (version: string) =>
  integrationYaml(
    'argocd',
    `  type: argocd
  targetClusters: [cluster-1, cluster-2]
  autoInstall: {helmConfig: {repository: "${ksit.env.chartRepoUrl}", chart: argo-cd, version: "${version}"}}
  config: {namespace: ${toolNs}, healthCheckInterval: 2s, gracePeriod: 5s}
`,
  );

/** The Events about one object (core/v1 view of them): type/reason, message, which controller replica wrote it. */
async function warningEvents(name: string): Promise<{ reason: string; note: string; instance: string }[]> {
  const list = JSON.parse(
    await kubectlOk(['get', 'events', '-n', ns, '--field-selector', `involvedObject.name=${name}`, '-o', 'json']),
  ) as { items: { type: string; reason: string; message?: string; note?: string; reportingInstance?: string }[] };
  return list.items.map((e) => ({
    reason: `${e.type}/${e.reason}`,
    note: e.message ?? e.note ?? '',
    instance: e.reportingInstance ?? '',
  }));
}

beforeAll(async () => {
  const control = controlCluster();
  ksit = await startKsit({ controlKubeconfig: control.kubeconfig });
  await installCrds();
  await ensureNamespace(ns);
  // The workload clusters' kubeconfigs as Secrets in the targets' namespace, marked for ksit (as the demo does).
  for (const c of ['cluster-1', 'cluster-2']) {
    const kubeconfig = await readFile(ksit.env.clusters.find((x) => x.name === c)!.kubeconfig, 'utf8');
    await kubeClient(control).core.createNamespacedSecret({
      namespace: ns,
      body: {
        metadata: { name: `${c}-kubeconfig`, namespace: ns, labels: { 'ksit.io/kubeconfig': 'true' } },
        data: { kubeconfig: Buffer.from(kubeconfig).toString('base64') },
      },
    });
  }
  for (const id of ['a', 'b'])
    controllers.push(
      startController(ksit.env, {
        id: `controller-${id}-${run}`,
        taskQueue: ksit.taskQueue,
        controlKubeconfig: control.kubeconfig,
        leaseNamespace: ns,
      }),
    );
}, 180_000);

afterAll(async () => {
  for (const c of controllers) await c.stop();
  // Objects left by a failed run: drop the finalizers so that the namespace can go.
  for (const r of ['integrations', 'integrationtargets']) await dropFinalizers(r, ns);
  await kubectl(['delete', 'namespace', ns, '--wait=false']);
  for (const name of ['argocd', 'cert-manager'])
    await ksit.client.workflow
      .getHandle(workflowIds.integration(ns, name))
      .terminate('test over')
      .catch(() => undefined);
  await ksit?.stop();
}, 120_000);

test('kubectl apply -> Running 2/2, Ready, one leader writing', async () => {
  const targets = ['cluster-1', 'cluster-2']
    .map(
      (c) =>
        `apiVersion: ksit.io/v1alpha1\nkind: IntegrationTarget\nmetadata: {name: ${c}, namespace: ${ns}}\nspec: {clusterName: ${c}}\n`,
    )
    .join('---\n');
  await kubectlOk(['apply', '-f', '-'], targets);
  await kubectlOk(['apply', '-f', '-'], argocd('5.51.5'));
  // Before the controller's first status write the API server shows the CRD's default status (observedGeneration
  // -1), which kstatus calls InProgress (with no status at all it would say Current); then InProgress until Ready.
  const first = await until('first status', 'integration/argocd', (cr) => cr.status?.conditions !== undefined, 120_000);
  if (cond(first.cr, 'Ready')?.status !== 'True') expect(first.kstatus).toBe('InProgress');

  const wait = await kubectl(['wait', '--for=condition=Ready', 'integration/argocd', '-n', ns, '--timeout=240s']);
  expect(String(wait.stderr)).toBe('');
  expect(wait.exitCode).toBe(0);
  const table = await kubectlOk(['get', 'integrations', '-n', ns]);
  expect(table).toMatch(/argocd\s+argocd\s+Running\s+2\/2/);
  expect(await kubectlOk(['get', 'integrationtargets', '-n', ns])).toMatch(/cluster-1\s+cluster-1\s+True\s+v1\.36/);
  expect((await kstatusOf('integration/argocd', ns)).status).toBe('Current');
  expect((await kstatusOf('integrationtarget/cluster-1', ns)).status).toBe('Current');

  // One Lease, one holder; every Event so far came from it.
  const lease = JSON.parse(await kubectlOk(['get', 'lease', 'ksit-controller', '-n', ns, '-o', 'json'])) as {
    spec: { holderIdentity: string };
  };
  const leader = lease.spec.holderIdentity;
  expect(controllers.map((c) => c.id)).toContain(leader);
  const instances = new Set((await warningEvents('argocd')).map((e) => e.instance));
  expect([...instances]).toEqual([leader]);
}, 300_000);

test('the CLI refuses to change a Kubernetes-owned Integration, naming the kubectl command', async () => {
  const pause = await cli(['pause', 'integration', 'argocd', '-n', ns]);
  expect(pause.exitCode).toBe(1);
  expect(pause.stderr).toContain(
    `kubectl patch integration/argocd -n ${ns} --type merge -p '{"spec":{"suspend":true}}'`,
  );
  const del = await cli(['delete', 'integration', 'argocd', '-n', ns, '--uninstall']);
  expect(del.exitCode).toBe(1);
  expect(del.stderr).toContain('"deletionPolicy":"Uninstall"');
  const reinstall = await cli(['reinstall', 'integration', 'argocd', '-n', ns]);
  expect(reinstall.stderr).toContain('ksit.io/reinstall-requested-at=');
  // Round trip: what kubectl prints validates with ksit and re-applies unchanged.
  const yaml = await kubectlOk(['get', 'integration', 'argocd', '-n', ns, '-o', 'yaml']);
  const file = join(ksit.env.ksitHome, `fd-${run}.yaml`);
  await import('node:fs/promises').then((fs) => fs.writeFile(file, yaml));
  expect((await cli(['validate', '-f', file])).exitCode).toBe(0);
  const apply = await cli(['apply', '-f', file]);
  expect(apply.exitCode).toBe(1);
  expect(apply.stderr).toMatch(/owned by its Kubernetes Integration object/);
  expect((await kubectl(['apply', '-f', file])).exitCode).toBe(0);
  // ksit get -o yaml prints data for every Integration, the CR-owned one included.
  const listed = parse((await cli(['get', 'integrations', '-o', 'yaml'])).stdout) as { name: string }[];
  expect(listed.map((i) => i.name)).toContain('argocd');
}, 120_000);

test('a version bump: observedGeneration moves, Ready False then True; a killed leader starts nothing twice', async () => {
  const before = await getCr('integration/argocd');
  const leaderId = (
    JSON.parse(await kubectlOk(['get', 'lease', 'ksit-controller', '-n', ns, '-o', 'json'])) as {
      spec: { holderIdentity: string };
    }
  ).spec.holderIdentity;
  // Server-side: the round trip above left kubectl's last-applied annotation holding a resourceVersion, which a
  // client-side apply of a file without one would try to remove.
  await kubectlOk(['apply', '--server-side', '--force-conflicts', '-f', '-'], argocd('5.51.6'));
  const generation = before.metadata.generation + 1;
  // The leader dies mid-change; the other replica takes the Lease over and finishes it.
  controllers.find((c) => c.id === leaderId)!.kill();
  // Not ready at the new generation: either the status still describes the old one (the new leader has not taken
  // over yet), or it describes the new one with Ready=False. kstatus calls both InProgress. Which of the two a
  // poll sees depends on whether the upgrade finishes before the Lease changes hands.
  const notReady = await until(
    'not Ready at the new generation',
    'integration/argocd',
    (cr) =>
      cr.metadata.generation === generation &&
      (cr.status?.observedGeneration !== generation || cond(cr, 'Ready')?.status === 'False'),
    60_000,
  );
  expect(notReady.kstatus).toBe('InProgress');
  const ready = await until(
    'Ready=True again',
    'integration/argocd',
    (cr) => cr.status?.observedGeneration === generation && cond(cr, 'Ready')?.status === 'True',
    240_000,
  );
  expect(ready.kstatus).toBe('Current');
  const lease = JSON.parse(await kubectlOk(['get', 'lease', 'ksit-controller', '-n', ns, '-o', 'json'])) as {
    spec: { holderIdentity: string };
  };
  expect(lease.spec.holderIdentity).not.toBe(leaderId);
  // One workflow run per id, however many controllers came and went.
  for (const id of [workflowIds.integration(ns, 'argocd'), workflowIds.cluster(ns, 'argocd', 'cluster-1')]) {
    let runs = 0;
    for await (const wf of ksit.client.workflow.list({ query: `WorkflowId = '${id}'` }))
      if (wf.workflowId === id) runs++;
    expect({ id, runs }).toEqual({ id, runs: 1 });
  }
  // The release really moved.
  const deployments = await kubeClient('cluster-1').apps.readNamespacedDeployment({
    name: 'argocd-server',
    namespace: toolNs,
  });
  expect(deployments.metadata?.labels?.['helm.sh/chart']).toBe('argo-cd-5.51.6');
}, 360_000);

test('a crashloop: Ready=False with the reason and a Warning Event; then Ready again', async () => {
  await injectFault('cluster-1', toolNs, 'deployment/argocd-repo-server', 'crashloop');
  const degraded = await until(
    'Degraded',
    'integration/argocd',
    (cr) => cond(cr, 'Ready')?.status === 'False' && cond(cr, 'Ready')?.reason === 'Degraded',
    90_000,
  );
  expect(cond(degraded.cr, 'Ready')?.message).toMatch(/argocd-repo-server.*CrashLoopBackOff/);
  // Status lag: from the cluster's transition (the workflow's clock) to the object showing it (seen by a 500 ms poll).
  const changedAt = degraded.cr.status?.clusters?.find((c) => c.name === 'cluster-1')?.lastTransitionTime;
  const lagMs = degraded.seenAt - Date.parse(changedAt ?? '');
  console.log(
    `[frontdoor] status lag for Degraded: ${lagMs} ms (load ${(await import('node:os')).loadavg()[0]!.toFixed(1)})`,
  );
  expect(lagMs).toBeLessThan(5_000);
  expect(degraded.kstatus).toBe('InProgress');
  await waitFor('a Warning Event', async () =>
    (await warningEvents('argocd')).some((e) => e.reason === 'Warning/Degraded') ? true : undefined,
  );
  await injectFault('cluster-1', toolNs, 'deployment/argocd-repo-server', 'clear');
  await until('Ready after the fault', 'integration/argocd', (cr) => cond(cr, 'Ready')?.status === 'True', 120_000);
}, 300_000);

test('suspend and the reinstall annotation, the Kubernetes way', async () => {
  await kubectlOk(['patch', 'integration/argocd', '-n', ns, '--type', 'merge', '-p', '{"spec":{"suspend":true}}']);
  const paused = await until('suspended', 'integration/argocd', (cr) => cr.status?.phase === 'Paused', 60_000);
  expect(cond(paused.cr, 'Ready')?.reason).toBe('Suspended');
  await kubectlOk(['patch', 'integration/argocd', '-n', ns, '--type', 'merge', '-p', '{"spec":{"suspend":false}}']);
  await until('resumed', 'integration/argocd', (cr) => cond(cr, 'Ready')?.status === 'True', 120_000);
  const at = new Date().toISOString();
  await kubectlOk(['annotate', 'integration/argocd', '-n', ns, '--overwrite', `ksit.io/reinstall-requested-at=${at}`]);
  await until('reinstall handled', 'integration/argocd', (cr) => cr.status?.lastHandledReinstallAt === at, 60_000);
  await waitFor('a ReinstallRequested Event', async () =>
    (await warningEvents('argocd')).some((e) => e.reason === 'Normal/ReinstallRequested') ? true : undefined,
  );
  await until('Ready after the reinstall', 'integration/argocd', (cr) => cond(cr, 'Ready')?.status === 'True', 120_000);
}, 300_000);

test('what only ksit can check is Stalled with the message ksit validate prints', async () => {
  await kubectlOk(
    ['apply', '-f', '-'],
    integrationYaml(
      'flat',
      `  type: argocd\n  targetClusters: [cluster-1]\n  autoInstall: {helmConfig: {values: {server.service: {type: LoadBalancer}}}}\n`,
    ),
  );
  const stalled = await until('Stalled', 'integration/flat', (cr) => cond(cr, 'Stalled')?.status === 'True', 60_000);
  expect(cond(stalled.cr, 'Stalled')?.message).toMatch(/a flat key \(with '\.' or '\['\) takes one plain value/);
  expect(stalled.kstatus).toBe('Failed');
  // A team's Integration sees only its own namespace's targets.
  const other = `fd-other-${run}`;
  await ensureNamespace(other);
  await kubectlOk(
    ['apply', '-f', '-'],
    integrationYaml('stranger', `  type: argocd\n  targetClusters: [cluster-1]\n`, other),
  );
  const missing = await until(
    'no target in its namespace',
    'integration/stranger',
    (cr) => cond(cr, 'Stalled')?.status === 'True',
    60_000,
    other,
  );
  expect(cond(missing.cr, 'Stalled')?.message).toMatch(/no IntegrationTarget named cluster-1/);
  await kubectlOk(['delete', 'integration', 'stranger', '-n', other, '--timeout=60s']);
  await kubectlOk(['delete', 'integration', 'flat', '-n', ns, '--timeout=60s']);
}, 180_000);

test('kubectl delete with each deletionPolicy does what it says', async () => {
  await kubectlOk(
    ['apply', '-f', '-'],
    integrationYaml(
      'cert-manager',
      `  type: cert-manager
  targetClusters: [cluster-1]
  deletionPolicy: Uninstall
  autoInstall: {helmConfig: {repository: "${ksit.env.chartRepoUrl}", chart: cert-manager, version: v1.14.4}}
  config: {namespace: ${certNs}, healthCheckInterval: 2s, gracePeriod: 5s}
`,
    ),
  );
  await kubectlOk(['wait', '--for=condition=Ready', 'integration/cert-manager', '-n', ns, '--timeout=180s']);
  const apps = kubeClient('cluster-1').apps;
  const has = async (namespace: string, name: string) =>
    apps.readNamespacedDeployment({ name, namespace }).then(
      () => true,
      () => false,
    );
  expect(await has(certNs, 'cert-manager')).toBe(true);

  // Uninstall: when kubectl delete returns, the workflows have ended and the release is gone.
  await kubectlOk(['delete', 'integration', 'cert-manager', '-n', ns, '--timeout=180s']);
  expect(await has(certNs, 'cert-manager')).toBe(false);
  // Orphan (the default): the object goes, the tool stays.
  await kubectlOk(['delete', 'integration', 'argocd', '-n', ns, '--timeout=120s']);
  expect(await has(toolNs, 'argocd-server')).toBe(true);
  for (const name of ['argocd', 'cert-manager']) {
    const d = await ksit.client.workflow.getHandle(workflowIds.integration(ns, name)).describe();
    expect({ name, status: d.status.name }).toEqual({ name, status: 'COMPLETED' });
  }
  expect(kstatusSeen.length).toBeGreaterThan(8);
}, 400_000);
