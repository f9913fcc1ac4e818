// SIGTERM to a worker running monitors: it exits 0 well within its grace period, and its health watches move to
// the other worker at once (handed back on shutdown, not found dead by a heartbeat timeout); monitoring goes on.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { IntegrationStatus } from '../../shared/types.js';
import { workflowIds } from '../../workflows/definitions.js';
import { injectFault } from './env/environment.js';
import { type KsitHarness, startKsit, testChart } from './helpers/ksit-worker.js';
import { pairsOf, untilExported } from './helpers/pairs.js';
import { startWorkerProcess, type WorkerProcess } from './helpers/worker-process.js';

const GRACE_SECONDS = 30;

let ksit: KsitHarness;
const workers: WorkerProcess[] = [];
let clearFault: (() => Promise<void>) | undefined;
beforeAll(async () => {
  ksit = await startKsit({ inProcessWorker: false });
}, 120_000);
afterAll(async () => {
  await clearFault?.().catch(() => undefined);
  await ksit?.stop();
  for (const w of workers) w.signal('SIGKILL');
});

const allClusters = (s: IntegrationStatus, phase: string) =>
  s.clusters.length === 2 && s.clusters.every((c) => c.phase === phase);

test('SIGTERM: exit 0 within the grace period, and the watches continue on the other worker at once', async () => {
  const opts = { taskQueue: ksit.taskQueue, graceSeconds: GRACE_SECONDS };
  const a = await startWorkerProcess(ksit.env, { name: `${ksit.run}-a`, ...opts });
  workers.push(a);
  const targets = [await ksit.target('cluster-1'), await ksit.target('cluster-2')];
  const spec = ksit.spec('istio', targets, { install: testChart(ksit.env, 'istiod', '1.20.2', 'istiod') });
  const { until } = await ksit.integration(spec);
  await until('Running on both clusters', (s) => allClusters(s, 'Running'));
  const pairs = pairsOf([spec], targets);
  await untilExported(a, pairs, 'Running', 60_000);
  const b = await startWorkerProcess(ksit.env, { name: `${ksit.run}-b`, ...opts });
  workers.push(b);

  const sigterm = Date.now();
  a.signal('SIGTERM');
  const exit = await a.exited;
  expect(exit).toMatchObject({ code: 0, signal: null });
  expect(exit.at - sigterm).toBeLessThan(GRACE_SECONDS * 1000);

  // b runs both watches, and not because a heartbeat timeout moved them: a's attempts ended with the hand-back
  // failure, which the server retried on b.
  await untilExported(b, pairs, 'Running', 60_000);
  for (const target of targets) {
    const lifecycle = ksit.client.workflow.getHandle(workflowIds.cluster(spec.namespace, spec.name, target.name));
    const [watch] = (await lifecycle.describe()).raw.pendingActivities ?? [];
    expect(watch?.activityType?.name).toBe('watchHealth');
    expect(watch?.attempt).toBeGreaterThanOrEqual(2);
    expect(watch?.lastFailure?.message).toMatch(/worker is shutting down/);
  }

  // And the monitors work: a fault is seen, and so is its repair.
  const args = [targets[0]!.clusterName, spec.toolNamespace, 'deployment/istiod'] as const;
  await injectFault(...args, 'crashloop');
  clearFault = () => injectFault(...args, 'clear');
  await until('Degraded on cluster-1', (s) => s.clusters.some((c) => c.phase === 'Degraded'), 120_000);
  await clearFault();
  clearFault = undefined;
  await until('Running again', (s) => allClusters(s, 'Running'), 120_000);
}, 900_000);
