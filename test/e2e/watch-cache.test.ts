// The worker's watch cache on a real API server: monitors of one namespace share one watch, a change reaches them
// within seconds, and a dropped watch (API server killed) makes the cache answer "not fresh" (so checks read the
// API and see the outage) instead of serving the last state; it comes back by itself with the API server. From
// `clusterWideAt` namespaces on, one cluster-wide watch serves them all, unless RBAC allows only per namespace.
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { V1Deployment } from '@kubernetes/client-node';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { execa } from 'execa';
import { parse, stringify } from 'yaml';
import { ClusterClients } from '../../activities/kube/cluster-clients.js';
import { WorkloadWatchCache } from '../../activities/kube/watch-cache.js';
import type { Workload } from '../../activities/health/workload-health.js';
import {
  getCluster,
  kubeClient,
  loadEnvironment,
  repoRoot,
  startApiServer,
  stopApiServer,
  toolEnv,
  waitFor,
} from './env/environment.js';
import { localCredentialPolicy } from './helpers/ksit-worker.js';

const CLUSTER = 'cluster-2';
const run = randomUUID().slice(0, 6);
const namespace = `wc-${run}`;
const other = `wc-b-${run}`;
const rbacRelease = `wc-rbac-${run}`;
const cache = new WorkloadWatchCache({ lingerMs: 500 });
const kube = () => kubeClient(CLUSTER);
let dir: string;

async function createApp(ns: string): Promise<void> {
  await kube().core.createNamespace({ body: { metadata: { name: ns } } });
  await kube().apps.createNamespacedDeployment({
    namespace: ns,
    body: {
      metadata: { name: 'app' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'wc' } },
        template: { metadata: { labels: { app: 'wc' } }, spec: { containers: [{ name: 'c', image: 'pause' }] } },
      },
    },
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ksit-wc-'));
  await createApp(namespace);
  await createApp(other);
}, 60_000);
afterAll(async () => {
  cache.close();
  await startApiServer(CLUSTER).catch(() => undefined);
  const c = getCluster(CLUSTER);
  await execa(
    join(loadEnvironment().binDir, 'helm'),
    ['uninstall', rbacRelease, '-n', namespace, '--kubeconfig', c.kubeconfig, '--kube-context', c.context],
    { env: toolEnv(), reject: false },
  );
  for (const ns of [namespace, other]) {
    await kube()
      .core.deleteNamespace({ name: ns })
      .catch(() => undefined);
  }
  await rm(dir, { recursive: true, force: true });
}, 120_000);

const replicasIn = (list: Workload[] | undefined) => (list?.[0] as V1Deployment | undefined)?.spec?.replicas;
const scale = (ns: string, replicas: number) =>
  kube().apps.patchNamespacedDeployment({
    name: 'app',
    namespace: ns,
    body: [{ op: 'replace', path: '/spec/replicas', value: replicas }],
  });

function clientsFor(kubeconfig: string, context: string) {
  const clients = new ClusterClients(
    () => {
      throw new Error('no control cluster here');
    },
    undefined,
    undefined,
    localCredentialPolicy(loadEnvironment()),
  );
  return clients.get({ kind: 'file', path: kubeconfig, context });
}

test('one shared watch per namespace and kind; changes arrive; a dropped watch is never served as fresh', async () => {
  const c = getCluster(CLUSTER);
  const client = await clientsFor(c.kubeconfig, c.context);
  const woken = [0, 0];
  const subs = [0, 1].map((i) => cache.subscribe(client, namespace, ['Deployment'], () => woken[i]!++));
  expect(cache.stats().informers).toBe(1);
  await waitFor('the cache to list the Deployment', async () => replicasIn(subs[0]!.snapshot('Deployment')), {
    timeoutMs: 30_000,
  });
  expect(replicasIn(subs[1]!.snapshot('Deployment'))).toBe(1);

  const before = [...woken];
  const t0 = Date.now();
  await scale(namespace, 2);
  await waitFor(
    'both monitors to hear of the change',
    async () =>
      woken.every((n, i) => n > before[i]!) && replicasIn(subs[0]!.snapshot('Deployment')) === 2 ? true : undefined,
    { timeoutMs: 10_000 },
  );
  console.log(`[watch-cache] change seen ${Date.now() - t0} ms after the patch`);

  await stopApiServer(CLUSTER);
  // The watch drops with the API server: from then on the cache says "not fresh", so checks go to the API.
  await waitFor('the cache to stop answering', async () => (subs[0]!.snapshot('Deployment') ? undefined : true), {
    timeoutMs: 30_000,
  });
  expect(subs[1]!.snapshot('Deployment')).toBeUndefined();

  await startApiServer(CLUSTER);
  await waitFor('the cache to be fresh again', async () => replicasIn(subs[0]!.snapshot('Deployment')), {
    timeoutMs: 90_000,
  });
  await scale(namespace, 3);
  await waitFor(
    'a change after the outage',
    async () => (replicasIn(subs[1]!.snapshot('Deployment')) === 3 ? true : undefined),
    {
      timeoutMs: 10_000,
    },
  );

  // The watch ends shortly after its last monitor leaves.
  for (const s of subs) s.close();
  await waitFor('the watch to end', async () => (cache.stats().informers === 0 ? true : undefined), {
    timeoutMs: 5_000,
  });
}, 300_000);

test('from clusterWideAt namespaces on, one cluster-wide watch serves them, and a change wakes only its namespace', async () => {
  const c = getCluster(CLUSTER);
  const client = await clientsFor(c.kubeconfig, c.context);
  const wide = new WorkloadWatchCache({ lingerMs: 500, clusterWideAt: 2 });
  try {
    const woken = { [namespace]: 0, [other]: 0 };
    const subA = wide.subscribe(client, namespace, ['Deployment'], () => woken[namespace]!++);
    expect(wide.stats()).toMatchObject({ informers: 1, clusterWide: 0 });
    const subB = wide.subscribe(client, other, ['Deployment'], () => woken[other]!++);
    // Once the cluster-wide watch has listed, the per-namespace one is closed.
    await waitFor(
      'one cluster-wide watch, fresh',
      async () => {
        const s = wide.stats();
        return s.informers === 1 && s.clusterWide === 1 && s.fresh === 1 ? s : undefined;
      },
      { timeoutMs: 30_000 },
    );
    // Each namespace sees its own Deployment only (the cluster holds many more).
    for (const [sub, ns] of [
      [subA, namespace],
      [subB, other],
    ] as const) {
      const list = sub.snapshot('Deployment');
      expect(list?.map((w) => `${w.metadata?.namespace}/${w.metadata?.name}`)).toEqual([`${ns}/app`]);
      // Cached objects are trimmed to what a check reads.
      expect(list?.[0]?.metadata?.managedFields).toBeUndefined();
    }

    const before = { ...woken };
    await scale(other, 4);
    await waitFor(
      'the change in the other namespace',
      async () => (woken[other]! > before[other]! && replicasIn(subB.snapshot('Deployment')) === 4 ? true : undefined),
      { timeoutMs: 10_000 },
    );
    expect(woken[namespace]).toBe(before[namespace]);
    expect(replicasIn(subA.snapshot('Deployment'))).not.toBe(4);

    subA.close();
    subB.close();
    await waitFor('the watches to end', async () => (wide.stats().informers === 0 ? true : undefined), {
      timeoutMs: 5_000,
    });
  } finally {
    wide.close();
  }
}, 120_000);

test('credentials allowed only in their namespaces keep one watch per namespace', async () => {
  const c = getCluster(CLUSTER);
  const env = loadEnvironment();
  const admin = (cmd: 'helm' | 'kubectl', args: string[]) =>
    execa(
      join(env.binDir, cmd),
      [...args, '--kubeconfig', c.kubeconfig, cmd === 'helm' ? '--kube-context' : '--context', c.context],
      {
        env: toolEnv(env),
      },
    );
  // The target RBAC chart with monitor.namespaces set: RoleBindings in the two namespaces, nothing cluster-wide.
  await admin('helm', [
    'upgrade',
    '--install',
    rbacRelease,
    join(repoRoot, 'deploy/helm/ksit-target-rbac'),
    '--namespace',
    namespace,
    '--set',
    `monitor.namespaces={${namespace},${other}}`,
  ]);
  const token = (
    await admin('kubectl', ['create', 'token', `${rbacRelease}-ksit`, '-n', namespace, '--duration', '1h'])
  ).stdout;
  const full = parse(await readFile(c.kubeconfig, 'utf8')) as {
    clusters: { name: string; cluster: Record<string, string> }[];
    contexts: { name: string; context: { cluster: string } }[];
  };
  const server = full.clusters.find((x) => x.name === full.contexts.find((y) => y.name === c.context)?.context.cluster);
  const file = join(dir, 'monitor.kubeconfig');
  await writeFile(
    file,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'target', cluster: server?.cluster }],
      users: [{ name: 'monitor', user: { token: token.trim() } }],
      contexts: [{ name: 'ksit', context: { cluster: 'target', user: 'monitor' } }],
      'current-context': 'ksit',
    }),
    { mode: 0o600 },
  );
  const client = await clientsFor(file, 'ksit');
  const limited = new WorkloadWatchCache({ lingerMs: 500, clusterWideAt: 2 });
  try {
    const subs = [namespace, other].map((ns) => limited.subscribe(client, ns, ['Deployment'], () => undefined));
    await waitFor(
      'both namespaces served by watches of their own',
      async () => (subs.every((s) => s.snapshot('Deployment')?.length === 1) ? true : undefined),
      { timeoutMs: 30_000 },
    );
    expect(limited.stats()).toMatchObject({ informers: 2, clusterWide: 0, fresh: 2 });
    for (const s of subs) s.close();
  } finally {
    limited.close();
  }
}, 120_000);
