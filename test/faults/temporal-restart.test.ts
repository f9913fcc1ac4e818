// The Temporal dev server killed and restarted on its SQLite file while monitors run: the same worker process
// carries on, every monitor keeps checking (a fault injected after the restart is detected, and its clearing
// too), and nothing is reinstalled (no installTool scheduled since the restart, Helm releases unchanged).
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { IntegrationSpec, TargetSpec } from '../../shared/types.js';
import { workflowIds } from '../../workflows/definitions.js';
import { injectFault, startTemporal, stopTemporal } from '../e2e/env/environment.js';
import {
  clusterOf,
  type IntegrationHandle,
  type KsitHarness,
  startKsit,
  testChart,
} from '../e2e/helpers/ksit-worker.js';
import { startWorkerProcess, type WorkerProcess } from '../e2e/helpers/worker-process.js';
import { helmList, installsScheduledSince } from './helpers/helm-evidence.js';

const DOWN_MS = 10_000;

let ksit: KsitHarness;
let worker: WorkerProcess | undefined;
beforeAll(async () => {
  ksit = await startKsit({ inProcessWorker: false });
  worker = await startWorkerProcess(ksit.env, {
    taskQueue: ksit.taskQueue,
    logFile: join(ksit.env.ksitHome, 'logs', `faults-temporal-restart-${ksit.run}.log`),
  });
}, 120_000);
afterAll(async () => {
  await startTemporal().catch(() => undefined);
  await ksit?.stop();
  worker?.kill();
}, 180_000);

interface Monitor {
  spec: IntegrationSpec;
  integration: IntegrationHandle;
  target: TargetSpec;
  /** The workload the fault goes on. */
  workload: string;
}

test('a Temporal restart: monitors carry on, faults after it are detected, nothing is reinstalled', async () => {
  const targets = [await ksit.target('cluster-1'), await ksit.target('cluster-2')];
  const istio = ksit.spec('istio', targets, { install: testChart(ksit.env, 'istiod', '1.20.2', 'istiod') });
  const certManager = ksit.spec('cert-manager', targets, {
    install: testChart(ksit.env, 'cert-manager', 'v1.14.4', 'cert-manager'),
  });
  const monitors: Monitor[] = [];
  for (const [spec, workload] of [
    [istio, 'deployment/istiod'],
    [certManager, 'deployment/cert-manager'],
  ] as const) {
    const integration = await ksit.integration(spec);
    for (const target of targets) monitors.push({ spec, integration, target, workload });
  }
  for (const m of monitors) await m.integration.until('Running', (s) => s.phase === 'Running', 300_000);
  const releasesBefore = await Promise.all(
    monitors.map((m) => helmList(ksit.env, m.target.clusterName, m.spec.toolNamespace)),
  );

  const restartedAt = new Date();
  await stopTemporal();
  await sleep(DOWN_MS);
  await startTemporal();
  const backAfterS = (Date.now() - restartedAt.getTime()) / 1000;

  // A fault on every monitor's workload, injected after the restart: each must be seen, then its clearing.
  const t0 = Date.now();
  for (const m of monitors) await injectFault(m.target.clusterName, m.spec.toolNamespace, m.workload, 'crashloop');
  for (const m of monitors) {
    const s = await m.integration.until(
      `${m.spec.name}@${m.target.clusterName} Degraded after the restart`,
      (st) => clusterOf(st, m.target)?.phase === 'Degraded',
      300_000,
    );
    expect(clusterOf(s, m.target)?.message).toMatch(/CrashLoopBackOff/);
  }
  const degradedS = (Date.now() - t0) / 1000;
  for (const m of monitors) await injectFault(m.target.clusterName, m.spec.toolNamespace, m.workload, 'clear');
  for (const m of monitors) await m.integration.until('Running after clearing', (s) => s.phase === 'Running', 300_000);
  console.log(
    `[faults] Temporal down ${DOWN_MS / 1000} s (back ${backAfterS.toFixed(1)} s after the kill); ` +
      `${monitors.length} faults injected after it all seen within ${degradedS.toFixed(1)} s`,
  );

  expect(worker?.running()).toBe(true); // the same worker process, never restarted
  for (const m of monitors) {
    const lifecycle = workflowIds.cluster(m.spec.namespace, m.spec.name, m.target.name);
    expect({ lifecycle, installs: await installsScheduledSince(ksit.client, lifecycle, restartedAt) }).toEqual({
      lifecycle,
      installs: 0,
    });
  }
  const releasesAfter = await Promise.all(
    monitors.map((m) => helmList(ksit.env, m.target.clusterName, m.spec.toolNamespace)),
  );
  expect(releasesAfter).toEqual(releasesBefore);
}, 1_200_000);
