// One cluster's API server stopped for two minutes: its monitor goes Unreachable (never Failed), the other
// cluster's stays Running, and when the API server is back the monitor returns to Running by itself, without any
// install (no installTool in the lifecycle's history since the outage, Helm revision unchanged).
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { workflowIds } from '../../workflows/definitions.js';
import { startApiServer, stopApiServer } from '../e2e/env/environment.js';
import { clusterOf, type KsitHarness, startKsit, testChart } from '../e2e/helpers/ksit-worker.js';
import { helmList, installsScheduledSince } from './helpers/helm-evidence.js';

const OUTAGE_MS = Number(process.env.KSIT_FAULT_OUTAGE_SECONDS ?? 120) * 1000;
const DOWN = 'cluster-2';

let ksit: KsitHarness;
beforeAll(async () => {
  ksit = await startKsit();
}, 120_000);
afterAll(async () => {
  await startApiServer(DOWN).catch(() => undefined);
  await ksit?.stop();
}, 180_000);

test(`an API server down for ${OUTAGE_MS / 1000} s: Unreachable, then Running without a reinstall`, async () => {
  const [up, down] = [await ksit.target('cluster-1'), await ksit.target(DOWN)];
  const spec = ksit.spec('istio', [up, down], { install: testChart(ksit.env, 'istiod', '1.20.2', 'istiod') });
  const { until } = await ksit.integration(spec);
  await until('Running', (s) => s.phase === 'Running' && s.clusters.length === 2);
  const before = await helmList(ksit.env, DOWN, spec.toolNamespace);

  const stoppedAt = new Date();
  await stopApiServer(DOWN);
  await until('Unreachable', (s) => clusterOf(s, down)?.phase === 'Unreachable', 120_000);
  const toUnreachableS = (Date.now() - stoppedAt.getTime()) / 1000;

  // For the rest of the outage, the phases seen each second: only Unreachable there, only Running elsewhere.
  const seenDown = new Set<string>();
  const seenUp = new Set<string>();
  while (Date.now() - stoppedAt.getTime() < OUTAGE_MS) {
    const s = await until('status', () => true);
    seenDown.add(clusterOf(s, down)?.phase ?? 'absent');
    seenUp.add(clusterOf(s, up)?.phase ?? 'absent');
    await sleep(1_000);
  }
  expect([...seenDown]).toEqual(['Unreachable']);
  expect([...seenUp]).toEqual(['Running']);

  const startedAt = Date.now();
  await startApiServer(DOWN);
  const back = await until('Running again', (s) => s.phase === 'Running', 300_000);
  const toRunningS = (Date.now() - startedAt) / 1000;
  console.log(
    `[faults] ${OUTAGE_MS / 1000} s outage of ${DOWN}: Unreachable after ${toUnreachableS.toFixed(1)} s, ` +
      `Running ${toRunningS.toFixed(1)} s after start-apiserver returned`,
  );

  const phases = clusterOf(back, down)?.transitions.map((t) => t.phase) ?? [];
  expect(phases).not.toContain('Failed');
  expect(phases.filter((p) => p === 'Installing')).toHaveLength(1); // the first install, none since
  const lifecycle = workflowIds.cluster(spec.namespace, spec.name, down.name);
  expect(await installsScheduledSince(ksit.client, lifecycle, stoppedAt)).toBe(0);
  expect(await helmList(ksit.env, DOWN, spec.toolNamespace)).toEqual(before);
}, 900_000);
