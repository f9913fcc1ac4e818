// GitOps with real Flux: source-controller and kustomize-controller (built from their Go modules) run as local
// processes against the control cluster and sync a local Git repository served over HTTP. A Kustomization with
// `wait: true` and `prune: true` applies a folder of Integrations, health-checks them with kstatus, and prunes
// them. The only way in is `git push`; ksit's worker and controller do the rest on two KWOK clusters.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { workflowIds } from '../../workflows/definitions.js';
import { kubeClient, waitFor } from './env/environment.js';
import {
  controlCluster,
  ensureNamespace,
  installCrds,
  kubectl,
  kubectlOk,
  dropFinalizers,
} from './frontdoor/control-cluster.js';
import { startController, type ControllerProcess } from './frontdoor/controller-process.js';
import {
  fluxTools,
  startFluxControllers,
  startGitServer,
  type FluxTools,
  type RunningProcess,
} from './frontdoor/flux-processes.js';
import { createRepo, type GitRepo } from './frontdoor/git-repo.js';
import { type KsitHarness, startKsit } from './helpers/ksit-worker.js';

const run = randomUUID().slice(0, 8);
const ns = `flux-${run}`;
const toolNs = `argocd-flux-${run}`;
const INTEGRATION_ID = `${ns}_argocd_ksit.io_Integration`;
let ksit: KsitHarness;
let tools: FluxTools;
let repo: GitRepo;
let controller: ControllerProcess | undefined;
const processes: RunningProcess[] = [];

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
  lastTransitionTime: string;
}
interface Obj {
  metadata: { generation: number };
  status?: {
    conditions?: Condition[];
    observedGeneration?: number;
    lastAppliedRevision?: string;
    lastAttemptedRevision?: string;
    inventory?: { entries: { id: string }[] };
    phase?: string;
  };
}
const get = async (resource: string): Promise<Obj> =>
  JSON.parse(await kubectlOk(['get', resource, '-n', ns, '-o', 'json'])) as Obj;
const cond = (o: Obj, type: string) => o.status?.conditions?.find((c) => c.type === type);
const KS = 'kustomization/fleet-addons';
/** Flux writes revisions as `main@sha1:<sha>`. */
const at = (revision: string | undefined, sha: string) => revision?.endsWith(`:${sha}`) === true;
const readyAtGeneration = (o: Obj) =>
  cond(o, 'Ready')?.status === 'True' && o.status?.observedGeneration === o.metadata.generation;

/** Polls an object until `pred` holds; on timeout the error shows the last status seen. Stops at once when one of
 * the test's processes (Flux, the Git server, the ksit controller) has died: its log says why. */
async function until(what: string, resource: string, pred: (o: Obj) => boolean, timeoutMs: number): Promise<Obj> {
  let last: Obj | undefined;
  try {
    return await waitFor(
      what,
      async () => {
        const dead = processes.map((p) => p.exited()).find(Boolean);
        if (dead) throw new DeadProcess(dead);
        last = await get(resource);
        return pred(last) ? last : undefined;
      },
      { timeoutMs, intervalMs: 500, stopOn: (err) => err instanceof DeadProcess },
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${resource} last seen: ${JSON.stringify(last?.status, null, 1)}`);
  }
}
class DeadProcess extends Error {}

/** What Flux's health check went through, one line per Healthy condition seen while waiting. */
function healthTrail(trail: Set<string>) {
  return (ks: Obj) => {
    const h = cond(ks, 'Healthy');
    if (h) trail.add(`${h.status}: ${h.message}`);
  };
}

const targetsYaml = ['cluster-1', 'cluster-2']
  .map(
    (c) => `apiVersion: ksit.io/v1alpha1\nkind: IntegrationTarget\nmetadata: {name: ${c}}\nspec: {clusterName: ${c}}\n`,
  )
  .join('---\n');

// No namespace: the Kustomization's targetNamespace puts everything in the test's namespace, as the README shows.
const argocdYaml = (version: string) => `apiVersion: ksit.io/v1alpha1
kind: Integration
metadata: {name: argocd}
spec:
  type: argocd
  targetClusters: [cluster-1, cluster-2]
  deletionPolicy: Orphan
  autoInstall: {helmConfig: {repository: "${ksit.env.chartRepoUrl}", chart: argo-cd, version: "${version}"}}
  config: {namespace: ${toolNs}, healthCheckInterval: 2s, gracePeriod: 5s}
`;

const fluxObjects = (url: string) => `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: fleet, namespace: ${ns}}
spec: {interval: 5s, url: "${url}", ref: {branch: main}}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: fleet-addons, namespace: ${ns}}
spec:
  interval: 10s
  retryInterval: 5s
  sourceRef: {kind: GitRepository, name: fleet}
  path: ./integrations
  prune: true
  wait: true
  timeout: 90s
  targetNamespace: ${ns}
`;

beforeAll(async () => {
  tools = await fluxTools();
  const control = controlCluster();
  ksit = await startKsit({ controlKubeconfig: control.kubeconfig });
  await installCrds();
  // Older Flux CRDs (flux-manifest.test.ts installs Flux from a manifest on this cluster) stored versions these
  // no longer serve, and the API server refuses such an update: remove them first.
  await kubectl(['delete', '--ignore-not-found', '--timeout=60s', ...tools.crdDirs.flatMap((d) => ['-f', d])]);
  await kubectlOk(['apply', '--server-side', '--force-conflicts', ...tools.crdDirs.flatMap((d) => ['-f', d])]);
  await kubectlOk([
    'wait',
    '--for=condition=Established',
    '--timeout=60s',
    'crd/gitrepositories.source.toolkit.fluxcd.io',
    'crd/kustomizations.kustomize.toolkit.fluxcd.io',
  ]);
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
  const home = join(ksit.env.ksitHome, `flux-${run}`);
  const server = await startGitServer({ tools, root: join(home, 'repos'), home });
  processes.push(server);
  repo = await createRepo({
    root: join(home, 'repos'),
    name: 'fleet',
    serverUrl: server.url,
    workDir: join(home, 'work'),
  });
  processes.push(...(await startFluxControllers({ tools, kubeconfig: control.kubeconfig, namespace: ns, home })));
  controller = startController(ksit.env, {
    id: `controller-${run}`,
    taskQueue: ksit.taskQueue,
    controlKubeconfig: control.kubeconfig,
    leaseNamespace: ns,
  });
}, 3_700_000);

/** Flux writes condition times in whole seconds, ksit in milliseconds: compare at Flux's precision. */
const wholeSecond = (time: string) => Math.floor(Date.parse(time) / 1000) * 1000;

afterAll(async () => {
  // Flux first, so that nothing re-applies or prunes while the rest is taken down.
  for (const p of processes.reverse()) await p.stop();
  await controller?.stop();
  // Objects left by a failed run: drop the finalizers (ksit's and Flux's) so that the namespace can go, and so
  // that Flux's CRDs below are not held terminating by a GitRepository that keeps Flux's finalizer.
  const kinds = [
    'integrations.ksit.io',
    'integrationtargets.ksit.io',
    'kustomizations.kustomize.toolkit.fluxcd.io',
    'gitrepositories.source.toolkit.fluxcd.io',
  ];
  for (const r of kinds) await dropFinalizers(r, ns);
  await kubectl(['delete', 'namespace', ns, '--wait=false']);
  // Flux's CRDs go too: they are newer than the Flux manifest that flux-manifest.test.ts installs on this cluster,
  // whose older CRDs the API server then refused (status.storedVersions names a version they no longer serve).
  if (tools)
    await kubectl(['delete', '--ignore-not-found', '--timeout=60s', ...tools.crdDirs.flatMap((d) => ['-f', d])]);
  await ksit?.client.workflow
    .getHandle(workflowIds.integration(ns, 'argocd'))
    .terminate('test over')
    .catch(() => undefined);
  for (const c of ['cluster-1', 'cluster-2'])
    await kubeClient(c)
      .core.deleteNamespace({ name: toolNs })
      .catch(() => undefined);
  await ksit?.stop();
}, 120_000);

test('a commit: Flux applies the folder and is Ready only once kstatus judges the Integration Ready', async () => {
  const sha = await repo.commit(
    { 'integrations/targets.yaml': targetsYaml, 'integrations/argocd.yaml': argocdYaml('5.51.5') },
    'argocd on both clusters',
  );
  await kubectlOk(['apply', '-f', '-'], fluxObjects(repo.url));
  const trail = new Set<string>();
  const note = healthTrail(trail);
  const ks = await until(
    'the Kustomization Ready at the first commit',
    KS,
    (k) => (note(k), at(k.status?.lastAppliedRevision, sha) && cond(k, 'Ready')?.status === 'True'),
    150_000,
  );
  // When Flux says Ready, the Integration already is, at its generation, and it became so before Flux's verdict.
  const integration = await get('integration/argocd');
  expect(readyAtGeneration(integration) ? 'Ready' : integration.status).toBe('Ready');
  expect(Date.parse(cond(ks, 'Healthy')!.lastTransitionTime)).toBeGreaterThanOrEqual(
    wholeSecond(cond(integration, 'Ready')!.lastTransitionTime),
  );
  expect(cond(ks, 'Healthy')).toMatchObject({ status: 'True', message: expect.stringMatching(/^Health check passed/) });
  // Flux did wait: its health check was seen running before it passed.
  expect([...trail].some((t) => t.startsWith('Unknown: Running health checks'))).toBe(true);
  expect(ks.status?.inventory?.entries.map((e) => e.id)).toEqual(
    expect.arrayContaining([INTEGRATION_ID, `${ns}_cluster-1_ksit.io_IntegrationTarget`]),
  );
  expect(await kubectlOk(['get', 'integrations', '-n', ns])).toMatch(/argocd\s+argocd\s+Running\s+2\/2/);
  for (const c of ['cluster-1', 'cluster-2'])
    await kubeClient(c).apps.readNamespacedDeployment({ name: 'argocd-server', namespace: toolNs });
}, 200_000);

test('a chart bump in Git: Flux is Ready at the new commit only after the Integration is Ready at its new generation', async () => {
  const generation = (await get('integration/argocd')).metadata.generation + 1;
  const sha = await repo.commit({ 'integrations/argocd.yaml': argocdYaml('5.51.6') }, 'argo-cd 5.51.6');
  const ks = await until(
    'the Kustomization Ready at the bump',
    KS,
    (k) => at(k.status?.lastAppliedRevision, sha) && cond(k, 'Ready')?.status === 'True',
    120_000,
  );
  const integration = await get('integration/argocd');
  expect({
    generation: integration.metadata.generation,
    ready: readyAtGeneration(integration) ? 'Ready' : integration.status,
  }).toEqual({ generation, ready: 'Ready' });
  expect(Date.parse(cond(ks, 'Healthy')!.lastTransitionTime)).toBeGreaterThanOrEqual(
    wholeSecond(cond(integration, 'Ready')!.lastTransitionTime),
  );
  for (const c of ['cluster-1', 'cluster-2']) {
    const d = await kubeClient(c).apps.readNamespacedDeployment({ name: 'argocd-server', namespace: toolNs });
    expect({ c, chart: d.metadata?.labels?.['helm.sh/chart'] }).toEqual({ c, chart: 'argo-cd-5.51.6' });
  }
}, 150_000);

test('a chart version the repository lacks: the Kustomization fails its health check, naming the Integration', async () => {
  const sha = await repo.commit({ 'integrations/argocd.yaml': argocdYaml('99.0.0') }, 'argo-cd 99.0.0 (no such chart)');
  const ks = await until(
    'the Kustomization to fail its health check',
    KS,
    (k) =>
      at(k.status?.lastAttemptedRevision, sha) &&
      cond(k, 'Ready')?.status === 'False' &&
      cond(k, 'Ready')?.reason === 'HealthCheckFailed',
    120_000,
  );
  // kstatus says Failed (Stalled=True), so Flux fails fast instead of waiting for its timeout.
  expect(cond(ks, 'Ready')?.message).toContain(`Integration/${ns}/argocd status: 'Failed'`);
  const integration = await get('integration/argocd');
  expect(cond(integration, 'Stalled')).toMatchObject({ status: 'True', message: expect.stringMatching(/not found/) });
}, 150_000);

test('the file deleted from Git: Flux prunes the Integration, the finalizer runs, the Orphan release stays', async () => {
  const sha = await repo.commit({ 'integrations/argocd.yaml': null }, 'argocd leaves the fleet');
  const ks = await until(
    'the Kustomization Ready without the Integration',
    KS,
    (k) => at(k.status?.lastAppliedRevision, sha) && cond(k, 'Ready')?.status === 'True',
    120_000,
  );
  expect(ks.status?.inventory?.entries.map((e) => e.id)).not.toContain(INTEGRATION_ID);
  // Pruned: deleted, and gone once ksit's finalizer has let it go.
  await waitFor(
    'the pruned Integration to be gone',
    async () => {
      const r = await kubectl(['get', 'integration/argocd', '-n', ns, '-o', 'jsonpath={.metadata.deletionTimestamp}']);
      if (/NotFound/.test(String(r.stderr))) return true;
      throw new Error(`still there (deletionTimestamp: ${String(r.stdout) || 'none'}) ${String(r.stderr)}`);
    },
    { timeoutMs: 60_000 },
  );
  // The finalizer let the object go only once the workflows had ended.
  const wf = await ksit.client.workflow.getHandle(workflowIds.integration(ns, 'argocd')).describe();
  expect(wf.status.name).toBe('COMPLETED');
  // deletionPolicy: Orphan: the tool stays installed, its Helm release too.
  for (const c of ['cluster-1', 'cluster-2']) {
    const client = kubeClient(c);
    await client.apps.readNamespacedDeployment({ name: 'argocd-server', namespace: toolNs });
    const releases = await client.core.listNamespacedSecret({ namespace: toolNs, labelSelector: 'owner=helm' });
    expect({ c, releases: releases.items.map((s) => s.metadata?.name) }).toEqual({
      c,
      releases: expect.arrayContaining([expect.stringMatching(/^sh\.helm\.release\.v1\.argocd\.v/)]),
    });
  }
}, 150_000);
