// The worker's watch cache on a real API server: monitors of one namespace share one watch, a change reaches them
// within seconds, and a dropped watch (API server killed) makes the cache answer "not fresh" (so checks read the
// API and see the outage) instead of serving the last state; it comes back by itself with the API server.
import { randomUUID } from 'node:crypto';
import type { V1Deployment } from '@kubernetes/client-node';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { ClusterClients } from '../../activities/kube/cluster-clients.js';
import { WorkloadWatchCache } from '../../activities/kube/watch-cache.js';
import type { Workload } from '../../activities/health/workload-health.js';
import { getCluster, kubeClient, loadEnvironment, startApiServer, stopApiServer, waitFor } from './env/environment.js';
import { localCredentialPolicy } from './helpers/ksit-worker.js';

const CLUSTER = 'cluster-2';
const namespace = `wc-${randomUUID().slice(0, 6)}`;
const cache = new WorkloadWatchCache({ lingerMs: 500 });
const kube = () => kubeClient(CLUSTER);

beforeAll(async () => {
  await kube().core.createNamespace({ body: { metadata: { name: namespace } } });
  await kube().apps.createNamespacedDeployment({
    namespace,
    body: {
      metadata: { name: 'app' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'wc' } },
        template: { metadata: { labels: { app: 'wc' } }, spec: { containers: [{ name: 'c', image: 'pause' }] } },
      },
    },
  });
}, 60_000);
afterAll(async () => {
  cache.close();
  await startApiServer(CLUSTER).catch(() => undefined);
  await kube()
    .core.deleteNamespace({ name: namespace })
    .catch(() => undefined);
}, 120_000);

const replicasIn = (list: Workload[] | undefined) => (list?.[0] as V1Deployment | undefined)?.spec?.replicas;

test('one shared watch per namespace and kind; changes arrive; a dropped watch is never served as fresh', async () => {
  const c = getCluster(CLUSTER);
  const clients = new ClusterClients(
    () => {
      throw new Error('no control cluster here');
    },
    undefined,
    undefined,
    localCredentialPolicy(loadEnvironment()),
  );
  const client = await clients.get({ kind: 'file', path: c.kubeconfig, context: c.context });
  const woken = [0, 0];
  const subs = [0, 1].map((i) => cache.subscribe(client, namespace, ['Deployment'], () => woken[i]!++));
  expect(cache.stats().informers).toBe(1);
  await waitFor('the cache to list the Deployment', async () => replicasIn(subs[0]!.snapshot('Deployment')), {
    timeoutMs: 30_000,
  });
  expect(replicasIn(subs[1]!.snapshot('Deployment'))).toBe(1);

  const before = [...woken];
  const t0 = Date.now();
  await kube().apps.patchNamespacedDeployment({
    name: 'app',
    namespace,
    body: [{ op: 'replace', path: '/spec/replicas', value: 2 }],
  });
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
  await kube().apps.patchNamespacedDeployment({
    name: 'app',
    namespace,
    body: [{ op: 'replace', path: '/spec/replicas', value: 3 }],
  });
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
