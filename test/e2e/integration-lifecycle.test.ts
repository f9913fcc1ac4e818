// End to end on the real local environment: a real worker with the real activities, the Temporal dev server,
// Helm, and two KWOK clusters. An argocd Integration installs from the loopback chart repo, reaches Running on
// both clusters, goes Degraded with the pod's reason when a fault is injected on one, comes back, and is deleted
// with uninstall.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { deleteSignal } from '../../workflows/definitions.js';
import { injectFault, kubeClient, waitFor } from './env/environment.js';
import { clusterOf, type KsitHarness, startKsit } from './helpers/ksit-worker.js';

let ksit: KsitHarness;
beforeAll(async () => {
  ksit = await startKsit();
}, 120_000);
afterAll(() => ksit?.stop());

test('argocd installs on two clusters, reports a crash loop on one as Degraded, recovers, and uninstalls', async () => {
  const targets = [await ksit.target('cluster-1'), await ksit.target('cluster-2')];
  const spec = ksit.spec('argocd', targets, {
    install: {
      method: 'helm',
      chart: { repository: ksit.env.chartRepoUrl, chart: 'argo-cd', version: '5.51.6' },
      releaseName: 'argocd',
      values: {},
      setValues: [{ key: 'server.service.type', value: 'ClusterIP' }],
      timeoutMs: 120_000,
    },
  });
  const { handle, until } = await ksit.integration(spec);

  const running = await until('Running on both clusters', (s) => s.phase === 'Running' && s.clusters.length === 2);
  expect(running.clusters.map((c) => c.phase)).toEqual(['Running', 'Running']);

  await injectFault('cluster-1', spec.toolNamespace, 'deployment/argocd-repo-server', 'crashloop');
  const degraded = await until('cluster-1 Degraded', (s) => clusterOf(s, targets[0]!)?.phase === 'Degraded', 60_000);
  expect(clusterOf(degraded, targets[0]!)?.message).toMatch(/argocd-repo-server: 0\/1 ready, CrashLoopBackOff/);
  expect(clusterOf(degraded, targets[1]!)?.phase).toBe('Running');
  expect(degraded.phase).toBe('Degraded');

  await injectFault('cluster-1', spec.toolNamespace, 'deployment/argocd-repo-server', 'clear');
  await until('Running again', (s) => s.phase === 'Running', 120_000);

  await handle.signal(deleteSignal, { uninstall: true });
  await handle.result();
  for (const cluster of ['cluster-1', 'cluster-2']) {
    await waitFor(
      `argocd removed from ${cluster}`,
      async () => {
        const list = await kubeClient(cluster).apps.listNamespacedDeployment({ namespace: spec.toolNamespace });
        return list.items.length === 0 ? true : undefined;
      },
      { timeoutMs: 120_000 },
    );
  }
}, 600_000);
