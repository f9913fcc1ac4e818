// Pause stops the health checks (no activity in the lifecycle's history while paused); resume restarts them.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { pauseUpdate, resumeUpdate, workflowIds } from '../../workflows/definitions.js';
import { type KsitHarness, startKsit, testChart } from './helpers/ksit-worker.js';

let ksit: KsitHarness;
beforeAll(async () => {
  ksit = await startKsit();
}, 120_000);
afterAll(() => ksit?.stop());

test('pause stops checks and resume restarts them', async () => {
  const target = await ksit.target('cluster-1');
  const spec = ksit.spec('cert-manager', [target], {
    install: testChart(ksit.env, 'cert-manager', 'v1.14.4', 'cert-manager'),
  });
  const { handle, until } = await ksit.integration(spec);
  await until('Running', (s) => s.phase === 'Running');
  const lifecycle = ksit.client.workflow.getHandle(workflowIds.cluster(spec.namespace, spec.name, target.name));
  const scheduled = async () =>
    ((await lifecycle.fetchHistory()).events ?? []).filter((e) => e.activityTaskScheduledEventAttributes).length;

  await handle.executeUpdate(pauseUpdate, { args: [{}] });
  await until('Paused', (s) => s.phase === 'Paused');
  const before = await scheduled();
  await new Promise((r) => setTimeout(r, 10_000)); // five check intervals
  expect(await scheduled()).toBe(before);

  await handle.executeUpdate(resumeUpdate, { args: [{}] });
  await until('Running after resume', (s) => s.phase === 'Running' && !s.paused);
  expect(await scheduled()).toBeGreaterThan(before);
}, 300_000);
