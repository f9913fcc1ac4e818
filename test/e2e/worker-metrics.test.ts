// A real worker process's HTTP endpoint: /readyz says "starting" until the worker polls, /healthz answers, and
// /metrics follows one Integration on one cluster from Running/healthy to Degraded/unhealthy and back as a fault
// comes and goes, next to the install counter and Temporal's own runtime metrics; ksit_fleet_phase (from
// visibility) shows the pair while Degraded, and while Paused, when no activity runs for it.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { pauseUpdate } from '../../workflows/definitions.js';
import { injectFault, waitFor } from './env/environment.js';
import { type KsitHarness, startKsit, testChart } from './helpers/ksit-worker.js';
import { sample, startWorkerProcess, waitReady, type WorkerProcess } from './helpers/worker-process.js';

let ksit: KsitHarness;
let worker: WorkerProcess | undefined;
let faulted: (() => Promise<void>) | undefined;
beforeAll(async () => {
  ksit = await startKsit({ inProcessWorker: false });
}, 120_000);
afterAll(async () => {
  await faulted?.().catch(() => undefined);
  await ksit?.stop();
  worker?.signal('SIGKILL');
});

test('/healthz, /readyz and /metrics of a real worker follow a fault and its repair', async () => {
  worker = await startWorkerProcess(ksit.env, {
    name: `${ksit.run}-w`,
    taskQueue: ksit.taskQueue,
    waitReady: false,
  });
  // The endpoint is up before the worker has bundled its workflows and connected: alive, not ready.
  expect(await worker.get('/healthz')).toEqual({ status: 200, body: 'ok\n' });
  expect(await worker.get('/readyz')).toEqual({ status: 503, body: 'starting: connecting to Temporal\n' });
  await waitReady(worker);
  expect((await worker.get('/readyz')).body).toBe(`polling task queue ${ksit.taskQueue}\n`);

  const target = await ksit.target('cluster-1');
  const spec = ksit.spec('istio', [target], { install: testChart(ksit.env, 'istiod', '1.20.2', 'istiod') });
  const { handle, until } = await ksit.integration(spec);
  await until('Running', (s) => s.phase === 'Running');

  const ids = { namespace: spec.namespace, integration: spec.name, cluster: target.name };
  const pair = { ...ids, type: 'istio' };
  const w = worker;
  const scrapeUntil = (what: string, pred: (text: string) => boolean, timeoutMs = 90_000) =>
    waitFor(
      what,
      async () => {
        const { status, body } = await w.get('/metrics');
        return status === 200 && pred(body) ? body : undefined;
      },
      { timeoutMs, intervalMs: 1_000 },
    );
  const healthy = (t: string) => sample(t, 'ksit_integration_healthy', pair);
  const phase = (t: string, p: string) => sample(t, 'ksit_integration_phase', { ...pair, phase: p });

  const running = await scrapeUntil(
    'healthy 1 and phase Running',
    (t) => healthy(t) === 1 && phase(t, 'Running') === 1,
  );
  expect(phase(running, 'Degraded')).toBe(0);
  expect(sample(running, 'ksit_cluster_reachable', { cluster: target.name })).toBe(1);
  expect(sample(running, 'ksit_installs_total', { ...ids, method: 'helm', result: 'success' })).toBe(1);
  expect(
    sample(running, 'ksit_health_check_duration_seconds_count', { cluster: target.name, result: 'healthy' }),
  ).toBeGreaterThan(0);
  expect(sample(running, 'ksit_worker_info', { task_queue: ksit.taskQueue })).toBe(1);
  // Temporal's runtime metrics from the Core SDK, on the same page.
  expect(running).toMatch(/^temporal_request\{/m);
  expect(running).toMatch(/^temporal_activity_execution_latency_count\{/m);

  await injectFault('cluster-1', spec.toolNamespace, 'deployment/istiod', 'crashloop');
  faulted = () => injectFault('cluster-1', spec.toolNamespace, 'deployment/istiod', 'clear');
  await until('Degraded', (s) => s.phase === 'Degraded', 120_000);
  const degraded = await scrapeUntil(
    'healthy 0 and phase Degraded',
    (t) => healthy(t) === 0 && phase(t, 'Degraded') === 1,
  );
  expect(phase(degraded, 'Running')).toBe(0);
  expect(
    sample(degraded, 'ksit_health_check_duration_seconds_count', { cluster: target.name, result: 'unhealthy' }),
  ).toBeGreaterThan(0);

  // The same from Temporal visibility (refreshed every 30 s): a pair that is not Running.
  const fleet = (t: string, p: string) => sample(t, 'ksit_fleet_phase', { ...pair, phase: p });
  await scrapeUntil('ksit_fleet_phase Degraded', (t) => fleet(t, 'Degraded') === 1);

  await faulted();
  faulted = undefined;
  await scrapeUntil('healthy 1 and phase Running again', (t) => healthy(t) === 1 && phase(t, 'Running') === 1, 120_000);
  await scrapeUntil('no ksit_fleet_phase once Running', (t) => fleet(t, 'Degraded') === undefined);

  // Paused runs no activity, so no worker exports the pair's ksit_integration_phase; visibility still shows it.
  await handle.executeUpdate(pauseUpdate, { args: [{}] });
  await until('Paused', (s) => s.phase === 'Paused');
  const paused = await scrapeUntil('ksit_fleet_phase Paused', (t) => fleet(t, 'Paused') === 1);
  expect(fleet(paused, 'Degraded')).toBeUndefined(); // one series per pair: its current phase only
}, 600_000);
