// What the watch cache keeps of a workload: everything a health check reads (replicas, selector, generation,
// status, name and namespace), nothing of the large parts a check never reads.
import { expect, test } from '@jest/globals';
import type { V1Deployment } from '@kubernetes/client-node';
import { checkComponents } from '../../../activities/health/check-components.js';
import { trimmed } from '../../../activities/kube/workload-informer.js';
import type { ClusterClient } from '../../../activities/kube/cluster-clients.js';

function deployment(): V1Deployment {
  return {
    metadata: {
      name: 'app',
      namespace: 'ns',
      generation: 3,
      labels: { app: 'x' },
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"big":true}', keep: 'me' },
      managedFields: [{ manager: 'kubectl', operation: 'Apply' }],
    },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'x' } },
      template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
    },
    status: { observedGeneration: 3, readyReplicas: 1, updatedReplicas: 2, replicas: 2 },
  };
}

test('drops managed fields, the last-applied annotation and the pod template; keeps the rest', () => {
  const w = trimmed(deployment());
  expect(w.metadata?.managedFields).toBeUndefined();
  expect(w.metadata?.annotations).toEqual({ keep: 'me' });
  expect(w.spec?.template).toBeUndefined();
  expect(w.spec?.replicas).toBe(2);
  expect(w.spec?.selector).toEqual({ matchLabels: { app: 'x' } });
  expect(w.metadata).toMatchObject({ name: 'app', namespace: 'ns', generation: 3, labels: { app: 'x' } });
  expect(w.status).toEqual(deployment().status);
});

test('a check reads a trimmed workload as it reads the full one', async () => {
  // The pod list is what an unhealthy check reads to say why; the workloads come from the cache.
  const client = {
    core: { listNamespacedPod: () => Promise.resolve({ items: [] }) },
  } as unknown as ClusterClient;
  const components = [{ kind: 'Deployment' as const, name: 'app' }];
  const full = await checkComponents(client, 'ns', components, () => [deployment()]);
  const cut = await checkComponents(client, 'ns', components, () => [trimmed(deployment())]);
  expect(cut).toEqual(full);
  expect(full.healthy).toBe(false);
  expect(full.reason).toBe('app: 1/2 ready');
});

test('objects without metadata (a watch error, a bookmark) pass through', () => {
  expect(trimmed({} as V1Deployment)).toEqual({});
});
