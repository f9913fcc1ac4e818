// Failover: after a SIGKILL of one of two workers, how long until every monitor the dead worker ran is checked
// again by the other.
//
//   npm run bench:failover -- 100 [--clusters 2] [--interval 30]
//
// N monitor-only `custom` Integrations (N/clusters Integrations, each on every cluster, each watching its own
// namespace's Deployment) run on worker a. Once all are Running, worker b joins the task queue and is ready, then
// a's whole process group is SIGKILLed. From both workers' check logs: for each monitor, the last check on a
// and the first check on b after the kill. Reported: time from the kill to b's first check (p50/p99/max), and the
// longest gap between two checks of a monitor across the kill, against the bound of 15 s + one interval.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { IntegrationSpec } from '../shared/types.js';
import { workflowIds } from '../workflows/definitions.js';
import { WATCH_HEARTBEAT_TIMEOUT_MS } from '../workflows/activity-proxies.js';
import {
  connect,
  createTargets,
  readEvents,
  startIntegrations,
  startWorker,
  terminateRun,
  waitForPhase,
} from './lib/ksit.js';
import { clusterNames, ensureEnvironment, temporalKeySuffix, temporalKind } from './lib/local-env.js';
import { LoadWindow, machineInfo, round } from './lib/proc.js';
import {
  exitWithUsageIfAsked,
  flag,
  log,
  percentile,
  positional,
  printTable,
  resultsDir,
  sleep,
  writeResults,
} from './lib/report.js';
import { benchNamespace, ensureWorkloads } from './lib/workloads.js';

const USAGE = 'npm run bench:failover -- 100 [--clusters 2] [--interval 30]   (KSIT_TEMPORAL=postgres for PostgreSQL)';
exitWithUsageIfAsked(USAGE);

const n = Number(positional() ?? 100);
const nClusters = Number(flag('clusters', '2'));
const intervalMs = Number(flag('interval', '30')) * 1000;
const BOUND_MS = 15_000 + intervalMs;
if (n % nClusters !== 0) throw new Error(`${n} monitors do not divide over ${nClusters} clusters`);

const clusters = clusterNames(nClusters);
const env = await ensureEnvironment(clusters);
await ensureWorkloads(env, clusters, n / nClusters);
const run = randomUUID().slice(0, 6);
const taskQueue = `failover-${run}`;
const work = join(resultsDir, 'tmp', taskQueue);
mkdirSync(work, { recursive: true });
const logA = join(work, 'worker-a.log');
const logB = join(work, 'worker-b.log');
const client = await connect(env);
const a = await startWorker(env, { taskQueue, logFile: logA });
let b: Awaited<ReturnType<typeof startWorker>> | undefined;
try {
  const targets = await createTargets(client, env, taskQueue, run, clusters);
  const monitors: string[] = [];
  const specs: IntegrationSpec[] = Array.from({ length: n / nClusters }, (_, i) => {
    const spec: IntegrationSpec = {
      name: `fo-${run}-${i}`,
      namespace: 'ksit-system',
      type: 'custom',
      enabled: true,
      targetClusters: targets.map((t) => t.name),
      toolNamespace: benchNamespace(i),
      healthCheckIntervalMs: intervalMs,
      gracePeriodMs: 60_000,
      components: [{ kind: 'Deployment', name: 'app' }],
      remediation: {},
    };
    for (const t of targets) monitors.push(workflowIds.cluster(spec.namespace, spec.name, t.name));
    return spec;
  });
  await startIntegrations(client, taskQueue, specs);
  await waitForPhase(client, taskQueue, 'Running', n, 30 * 60_000);
  log(`${n} monitors Running on a; starting b`);
  // Let a run a full interval so every monitor has a check on a before the kill.
  await sleep(intervalMs);
  b = await startWorker(env, { taskQueue, logFile: logB });
  const load = new LoadWindow();
  const killedAt = Date.now();
  a.kill();
  await a.exited;
  log(`a SIGKILLed; waiting ${(BOUND_MS * 2) / 1000} s for b to take over`);
  await sleep(BOUND_MS * 2);
  const loadK = load.finish(0);

  const lastOnA = new Map<string, number>();
  for (const c of readEvents(logA).checks) if (c.doneAt <= killedAt) lastOnA.set(c.monitor, c.doneAt);
  const firstOnB = new Map<string, number>();
  for (const c of readEvents(logB).checks) {
    if (c.doneAt > killedAt && c.ok && !firstOnB.has(c.monitor)) firstOnB.set(c.monitor, c.doneAt);
  }
  const afterKill: number[] = [];
  const gaps: number[] = [];
  let missing = 0;
  for (const m of monitors) {
    const first = firstOnB.get(m);
    if (first === undefined) {
      missing++;
      continue;
    }
    afterKill.push(first - killedAt);
    gaps.push(first - (lastOnA.get(m) ?? killedAt));
  }
  const s = (xs: number[]) => ({
    p50S: round(percentile(xs, 50) / 1000, 1),
    p99S: round(percentile(xs, 99) / 1000, 1),
    maxS: xs.length ? round(Math.max(...xs) / 1000, 1) : NaN,
  });
  const row = {
    key: `${n}@${intervalMs / 1000}s${temporalKeySuffix()}`,
    temporalServer: temporalKind(),
    monitors: n,
    clusters: nClusters,
    intervalS: intervalMs / 1000,
    heartbeatTimeoutS: WATCH_HEARTBEAT_TIMEOUT_MS / 1000,
    boundS: BOUND_MS / 1000,
    at: new Date().toISOString(),
    temporal: env.temporalAddress,
    checkedAgain: n - missing,
    killToFirstCheckOnB: s(afterKill),
    gapAcrossKill: s(gaps),
    withinBound: missing === 0 && gaps.every((g) => g <= BOUND_MS),
    load: loadK,
  };
  const file = writeResults('failover', { machine: machineInfo() }, [row]);
  printTable(
    `Failover: ${n} monitors, SIGKILL of worker a, ${intervalMs / 1000} s interval, heartbeat timeout ${row.heartbeatTimeoutS} s`,
    [
      'checked again on b',
      'kill -> first check on b p50 / p99 / max',
      'gap across the kill p99 / max',
      'bound',
      'load',
    ],
    [
      [
        `${row.checkedAgain}/${n}`,
        `${row.killToFirstCheckOnB.p50S} / ${row.killToFirstCheckOnB.p99S} / ${row.killToFirstCheckOnB.maxS} s`,
        `${row.gapAcrossKill.p99S} / ${row.gapAcrossKill.maxS} s`,
        `${row.boundS} s (${row.withinBound ? 'met' : 'MISSED'})`,
        loadK.loadavg1,
      ],
    ],
  );
  log(`wrote ${file}`);
} finally {
  await terminateRun(client, taskQueue);
  await b?.stop();
  a.kill();
  await client.connection.close();
}
process.exit(0);
