// A cluster whose API server stops is Unreachable, not Failed, and comes back to Running by itself without a
// reinstall.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { startApiServer, stopApiServer } from './env/environment.js';
import { clusterOf, type KsitHarness, startKsit, testChart } from './helpers/ksit-worker.js';

let ksit: KsitHarness;
beforeAll(async () => {
  ksit = await startKsit();
}, 120_000);
afterAll(async () => {
  await startApiServer('cluster-2').catch(() => undefined);
  await ksit?.stop();
});

test('stopping one API server gives Unreachable, and recovery without help or reinstall', async () => {
  const targets = [await ksit.target('cluster-1'), await ksit.target('cluster-2')];
  const spec = ksit.spec('istio', targets, {
    install: testChart(ksit.env, 'istiod', '1.20.2', 'istiod'),
  });
  const { until } = await ksit.integration(spec);
  await until('Running', (s) => s.phase === 'Running' && s.clusters.length === 2);

  await stopApiServer('cluster-2');
  const down = await until('cluster-2 Unreachable', (s) => clusterOf(s, targets[1]!)?.phase === 'Unreachable', 90_000);
  expect(clusterOf(down, targets[1]!)?.message).toMatch(/unreachable/i);
  expect(clusterOf(down, targets[0]!)?.phase).toBe('Running');

  await startApiServer('cluster-2');
  const back = await until('Running again', (s) => s.phase === 'Running', 120_000);
  const phases = clusterOf(back, targets[1]!)?.transitions.map((t) => t.phase) ?? [];
  expect(phases).not.toContain('Failed');
  // One install at the start, none after the outage.
  expect(phases.filter((p) => p === 'Installing')).toHaveLength(1);
}, 600_000);
