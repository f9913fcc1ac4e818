// Monitoring scale: how many monitors (Integration x cluster pairs) one ksit worker keeps checking on time, and
// what that costs next to the Kubernetes reads themselves (the floor).
//
//   npm run bench:monitoring -- 100,300,1000 [--clusters 5] [--interval 30] [--intervals 4] [--cpu-prof]
//
// Per monitor count N, on real local KWOK clusters (deploy/local/env.sh): N/clusters monitor-only `custom`
// Integrations, each on every cluster, each watching its own namespace's Deployment. Once all N are Running and
// one interval has passed, a window of `intervals` health intervals is measured: checks (recorded by the
// worker's onCheck hook), worker / Temporal / kube-apiserver CPU, worker memory, history growth. Then ksit is
// stopped and the floor (bench/lib/floor-child.ts) issues the same reads at the same phases for as long, in a
// process of its own. Results: bench/results/monitoring.json and monitoring.svg.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { IntegrationSpec } from '../shared/types.js';
import { workflowIds } from '../workflows/definitions.js';
import { summarizeChecks, type CheckSummary } from './lib/checks.js';
import type { FloorPlan, FloorResult } from './lib/floor-child.js';
import {
  connect,
  createTargets,
  historyLengths,
  readEvents,
  startIntegrations,
  startWorker,
  terminateRun,
  waitForPhase,
} from './lib/ksit.js';
import {
  apiserverPids,
  clusterNames,
  ensureEnvironment,
  postgresCpu,
  temporalKeySuffix,
  temporalKind,
  temporalPid,
  type LocalEnvironment,
} from './lib/local-env.js';
import { writeMonitoringPlot } from './lib/plot.js';
import { cpuSeconds, LoadWindow, machineInfo, peakRssMiB, round, rssMiB } from './lib/proc.js';
import {
  exitWithUsageIfAsked,
  flag,
  hasFlag,
  log,
  parseList,
  positional,
  printTable,
  resultsDir,
  sleep,
  writeResults,
} from './lib/report.js';
import { benchNamespace, ensureWorkloads } from './lib/workloads.js';

const USAGE =
  'npm run bench:monitoring -- 100,300,1000 [--clusters 5] [--interval 30] [--intervals 4] [--cpu-prof] [--floors default,reuse] [--label L] [--worker-env K=V,...]';
exitWithUsageIfAsked(USAGE);

const counts = parseList(positional(), [100, 300, 1000]);
const nClusters = Number(flag('clusters', '5'));
const intervalMs = Number(flag('interval', '30')) * 1000;
const intervals = Number(flag('intervals', '4'));
const cpuProf = hasFlag('cpu-prof');
const maxActivities = flag('max-activities');
const label = flag('label') ?? '';
// --worker-env K=V,K2=V2: settings for the worker under test (e.g. KSIT_MAX_CACHED_WORKFLOWS=200).
const workerEnv = Object.fromEntries(
  (flag('worker-env') ?? '')
    .split(',')
    .filter(Boolean)
    .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
);
/** The main thread's V8 heap by space, MiB allocated / used: where heap total runs ahead of live objects. */
function heapSpaces(metricsText: string): Record<string, string> {
  const spaces: Record<string, string> = {};
  const read = (kind: string, space: string) =>
    Number(
      new RegExp(`^nodejs_heap_space_size_${kind}_bytes\\{space="${space}"\\} (\\S+)$`, 'm').exec(metricsText)?.[1],
    );
  for (const [, space] of metricsText.matchAll(/^nodejs_heap_space_size_total_bytes\{space="([^"]+)"\}/gm)) {
    spaces[space as string] =
      `${round(read('total', space as string) / 2 ** 20)} / ${round(read('used', space as string) / 2 ** 20)}`;
  }
  return spaces;
}

const rampTimeoutMs = Number(flag('ramp-timeout') ?? 30) * 60_000;
// The floor as client-node does it out of the box (a new connection per request), and optionally also with one
// connection pool per cluster (what ksit does since the fix): --floors default,reuse.
const floorModes = (flag('floors') ?? 'default').split(',') as FloorPlan['connections'][];

const METHOD =
  'monitor-only custom Integrations (Deployment "app" in its own namespace per Integration), each on every ' +
  'cluster; window of `intervals` health intervals starting one interval after all monitors are Running; ' +
  'floor = same listNamespacedDeployment reads at the same phases from a plain client-node process afterwards';

for (const n of counts) {
  if (n % nClusters !== 0) throw new Error(`${n} monitors do not divide over ${nClusters} clusters`);
}

interface Side {
  connections?: string;
  cpuSeconds: number;
  cpuMsPerCheck: number;
  peakRssMiB: number;
  temporalCpuSeconds: number;
  apiserverCpuSeconds: number;
  checks: CheckSummary;
  load: ReturnType<LoadWindow['finish']>;
}

export interface MonitoringRow {
  key: string;
  label: string;
  /** The Temporal server measured on: the dev server or the PostgreSQL-backed one. */
  temporal: 'dev' | 'postgres';
  monitors: number;
  clusters: number;
  integrations: number;
  intervalS: number;
  intervals: number;
  at: string;
  rampSeconds: number;
  /** Monitors Running when the ramp ended (all of them unless --ramp-timeout passed first). */
  runningAfterRamp: number;
  rampWorkerCpuSeconds: number;
  /** Where the ramp's CPU went: what limits it (the Temporal server's share includes PostgreSQL when it runs it). */
  rampCpuSeconds?: { worker: number; temporal: number; postgres?: number; apiservers: number; load: object };
  ksit: Side & { rssMiB: number; historyEventsPerCheck: number; lifecycleEventsPerCheck: number; memory?: object };
  /** The plain client-node floor (a new connection per request, as client-node 2.x does by default). */
  floor: Side;
  cpuRatio: number;
  /** The floor with one connection pool per cluster, when measured (--floors default,reuse). */
  floorReuse?: Side;
  cpuRatioReuse?: number;
}

const clusters = clusterNames(nClusters);
const env = await ensureEnvironment(clusters);
const perCluster = Math.max(...counts) / nClusters;
log(`bench Deployments: ${perCluster} per cluster on ${clusters.join(', ')}`);
await ensureWorkloads(env, clusters, perCluster);
const machine = machineInfo();
const rows: MonitoringRow[] = [];
for (const n of counts) {
  const row = await measure(env, n);
  rows.push(row);
  const file = writeResults('monitoring', { machine, method: METHOD }, [row]);
  log(`wrote ${file}`);
}
const all = JSON.parse(readFileSync(join(resultsDir, 'monitoring.json'), 'utf8')) as { rows: MonitoringRow[] };
printRows(all.rows.sort((a, b) => a.monitors - b.monitors));
log(`plot: ${writeMonitoringPlot(all.rows)}`);
process.exit(0);

async function measure(env: LocalEnvironment, n: number): Promise<MonitoringRow> {
  const run = randomUUID().slice(0, 6);
  const taskQueue = `bench-${run}`;
  const work = join(resultsDir, 'tmp', taskQueue);
  mkdirSync(work, { recursive: true });
  const logFile = join(work, 'worker.log');
  log(`--- ${n} monitors (${n / nClusters} Integrations x ${nClusters} clusters), task queue ${taskQueue}`);

  const worker = await startWorker(env, {
    taskQueue,
    logFile,
    cpuProfDir: cpuProf ? join(resultsDir, 'profiles') : undefined,
    extraEnv: { ...(maxActivities ? { KSIT_MAX_ACTIVITIES: maxActivities } : {}), ...workerEnv },
  });
  const client = await connect(env);
  const pids = { temporal: temporalPid(), apiservers: apiserverPids(clusters) };
  const apiserverCpu = () => pids.apiservers.reduce((s, p) => s + cpuSeconds(p), 0);

  const targets = await createTargets(client, env, taskQueue, run, clusters);
  const monitorPlace = new Map<string, { cluster: string; namespace: string }>();
  const specs: IntegrationSpec[] = Array.from({ length: n / nClusters }, (_, i) => {
    const spec: IntegrationSpec = {
      name: `mon-${run}-${i}`,
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
    for (const t of targets) {
      monitorPlace.set(workflowIds.cluster(spec.namespace, spec.name, t.name), {
        cluster: t.clusterName,
        namespace: spec.toolNamespace,
      });
    }
    return spec;
  });
  const monitors = [...monitorPlace.keys()];

  try {
    const cpuBeforeRamp = cpuSeconds(worker.pid);
    const rampStart = { temporal: cpuSeconds(pids.temporal), postgres: postgresCpu(), apiservers: apiserverCpu() };
    const rampLoad = new LoadWindow();
    await startIntegrations(client, taskQueue, specs);
    // A ramp that does not finish in time is a result too: the window is then measured with what runs, and the
    // monitors that never got to Running count as not checked.
    const ramp = await waitForPhase(client, taskQueue, 'Running', n, rampTimeoutMs, true);
    const rampMs = ramp.ms;
    const rampCpu = cpuSeconds(worker.pid) - cpuBeforeRamp;
    const rampCpuByProcess = {
      worker: round(rampCpu, 1),
      temporal: round(cpuSeconds(pids.temporal) - rampStart.temporal, 1),
      ...(rampStart.postgres !== undefined ? { postgres: round((postgresCpu() ?? 0) - rampStart.postgres, 1) } : {}),
      apiservers: round(apiserverCpu() - rampStart.apiservers, 1),
    };
    const rampLoadK = rampLoad.finish(
      rampCpuByProcess.worker + rampCpuByProcess.temporal + rampCpuByProcess.apiservers,
    );
    log(`ramp CPU seconds: ${JSON.stringify(rampCpuByProcess)}`);
    log(`${ramp.reached}/${n} Running after ${Math.round(rampMs / 1000)} s; settling one interval`);
    await sleep(intervalMs);

    const h0 = await historyLengths(client, taskQueue);
    const t0 = Date.now();
    const w0 = cpuSeconds(worker.pid);
    const tc0 = cpuSeconds(pids.temporal);
    const pg0 = postgresCpu();
    const a0 = apiserverCpu();
    const load = new LoadWindow();
    log(`measuring ${intervals} intervals (${(intervals * intervalMs) / 1000} s)`);
    await sleep(intervals * intervalMs);
    const t1 = Date.now();
    const workerCpu = cpuSeconds(worker.pid) - w0;
    const temporalCpu = cpuSeconds(pids.temporal) - tc0;
    const postgresCpuSeconds = pg0 === undefined ? undefined : round((postgresCpu() ?? 0) - pg0, 2);
    const apiCpu = apiserverCpu() - a0;
    const loadK = load.finish(workerCpu + temporalCpu + apiCpu);
    const peak = peakRssMiB(worker.pid);
    // The main thread's V8 heap (activities, clients, caches) and the SDK's workflow cache, from the worker's
    // /metrics; the rest of RSS is the workflow thread's heap, native memory (Core, buffers) and uncollected garbage.
    const metricsText = (await worker.get('/metrics').catch(() => ({ body: '' }))).body;
    const metric = (name: string) =>
      Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(metricsText)?.[1] ?? NaN);
    const memory = {
      mainHeapUsedMiB: round(metric('nodejs_heap_size_used_bytes') / 2 ** 20),
      mainHeapTotalMiB: round(metric('nodejs_heap_size_total_bytes') / 2 ** 20),
      externalMiB: round(metric('nodejs_external_memory_bytes') / 2 ** 20),
      stickyCacheSize: metric('temporal_sticky_cache_size'),
      mainHeapSpaces: heapSpaces(metricsText),
      workerEnv,
    };
    const rss = rssMiB(worker.pid);
    const h1 = await historyLengths(client, taskQueue);

    const { checks } = readEvents(logFile);
    const summary = summarizeChecks(checks, monitors, t0, t1, intervalMs);
    let events = 0;
    let lifecycleEvents = 0;
    for (const [id, len] of h1) {
      const d = len - (h0.get(id) ?? len);
      events += d;
      if (monitorPlace.has(id)) lifecycleEvents += d;
    }
    // Each monitor's phase within the interval, for the floor to keep the same overlap of requests.
    const phase = new Map<string, number>();
    for (const c of checks) phase.set(c.monitor, c.scheduledAt % intervalMs);

    log('stopping ksit: terminating the run and the worker');
    await terminateRun(client, taskQueue);
    await worker.stop();
    await client.connection.close();

    const floors: Partial<Record<FloorPlan['connections'], Side>> = {};
    for (const mode of floorModes) {
      floors[mode] = await runFloor(mode, env, monitors, monitorPlace, phase, pids, apiserverCpu, work);
    }
    const floor = floors.default ?? floors.reuse!;
    const ksitSide = {
      cpuSeconds: round(workerCpu, 2),
      cpuMsPerCheck: round((workerCpu * 1000) / Math.max(1, summary.checks), 3),
      peakRssMiB: round(peak),
      rssMiB: round(rss),
      memory,
      temporalCpuSeconds: round(temporalCpu, 2),
      ...(postgresCpuSeconds !== undefined ? { postgresCpuSeconds } : {}),
      apiserverCpuSeconds: round(apiCpu, 2),
      checks: summary,
      load: loadK,
      historyEventsPerCheck: round(events / Math.max(1, summary.checks), 4),
      lifecycleEventsPerCheck: round(lifecycleEvents / Math.max(1, summary.checks), 4),
    };
    const row: MonitoringRow = {
      key: `${n}${label ? `-${label}` : ''}${temporalKeySuffix()}`,
      temporal: temporalKind(),
      label,
      monitors: n,
      clusters: nClusters,
      integrations: n / nClusters,
      intervalS: intervalMs / 1000,
      intervals,
      at: new Date().toISOString(),
      rampSeconds: round(rampMs / 1000),
      runningAfterRamp: ramp.reached,
      rampWorkerCpuSeconds: round(rampCpu, 1),
      rampCpuSeconds: { ...rampCpuByProcess, load: rampLoadK },
      ksit: ksitSide,
      floor,
      cpuRatio: round(workerCpu / Math.max(0.01, floor.cpuSeconds), 2),
      floorReuse: floors.reuse,
      cpuRatioReuse: floors.reuse ? round(workerCpu / Math.max(0.01, floors.reuse.cpuSeconds), 2) : undefined,
    };
    printRows([row]);
    // Keep the raw checks (gitignored) for a closer look; drop the rest.
    mkdirSync(join(resultsDir, 'raw'), { recursive: true });
    renameSync(logFile, join(resultsDir, 'raw', `monitoring-${row.key}-${taskQueue}.log`));
    rmSync(work, { recursive: true, force: true });
    return row;
  } finally {
    await worker.stop();
  }
}

async function runFloor(
  mode: FloorPlan['connections'],
  env: LocalEnvironment,
  monitors: string[],
  place: Map<string, { cluster: string; namespace: string }>,
  phase: Map<string, number>,
  pids: { temporal: number },
  apiserverCpu: () => number,
  work: string,
): Promise<Side> {
  const warmupMs = intervalMs + 5_000;
  const windowStart = Date.now() + warmupMs;
  const plan: FloorPlan = {
    intervalMs,
    connections: mode,
    windowStart,
    windowEnd: windowStart + intervals * intervalMs,
    clusters: env.clusters.filter((c) => clusters.includes(c.name)),
    monitors: monitors.map((id, i) => ({
      id,
      ...place.get(id)!,
      phaseMs: phase.get(id) ?? Math.round((i / monitors.length) * intervalMs),
    })),
  };
  const planFile = join(work, 'floor-plan.json');
  const resultFile = join(work, 'floor-result.json');
  writeFileSync(planFile, JSON.stringify(plan));
  log(`floor (${mode} connections): the same ${monitors.length} reads per interval from a client-node process`);
  const child = spawn(
    process.execPath,
    [new URL('./lib/floor-child.js', import.meta.url).pathname, planFile, resultFile],
    {
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await sleep(windowStart - Date.now());
  const tc0 = cpuSeconds(pids.temporal);
  const a0 = apiserverCpu();
  const load = new LoadWindow();
  await sleep(plan.windowEnd - Date.now());
  const temporalCpu = cpuSeconds(pids.temporal) - tc0;
  const apiCpu = apiserverCpu() - a0;
  const code = await exited;
  if (code !== 0) throw new Error(`floor process exited with ${code}`);
  const result = JSON.parse(readFileSync(resultFile, 'utf8')) as FloorResult;
  const summary = summarizeChecks(result.checks, monitors, plan.windowStart, plan.windowEnd, intervalMs);
  return {
    connections: mode,
    cpuSeconds: round(result.cpuSeconds, 2),
    cpuMsPerCheck: round((result.cpuSeconds * 1000) / Math.max(1, summary.checks), 3),
    peakRssMiB: round(result.peakRssMiB),
    temporalCpuSeconds: round(temporalCpu, 2),
    apiserverCpuSeconds: round(apiCpu, 2),
    checks: summary,
    load: load.finish(result.cpuSeconds + temporalCpu + apiCpu),
  };
}

function printRows(rs: MonitoringRow[]): void {
  const name = (r: MonitoringRow) => `${r.monitors}${r.label ? ` (${r.label})` : ''}`;
  const share = (x: number) => `${(x * 100).toFixed(1)}%`;
  printTable(
    `Monitoring scale (${rs[0]?.intervalS ?? intervalMs / 1000} s interval, ${rs[0]?.intervals ?? intervals} intervals measured)`,
    [
      'monitors',
      'checked every interval',
      'lag p50 ms',
      'lag p99 ms',
      'worker CPU s',
      'floor CPU s',
      'ksit/floor',
      'pooled floor CPU s',
      'ksit/pooled floor',
      'worker peak RSS MiB',
      'Temporal CPU s',
      'events/check',
      'ramp s',
      'load (1 min)',
    ],
    rs.map((r) => [
      name(r),
      share(r.ksit.checks.coveredShare),
      r.ksit.checks.lagP50Ms,
      r.ksit.checks.lagP99Ms,
      r.ksit.cpuSeconds,
      r.floor.cpuSeconds,
      r.cpuRatio,
      r.floorReuse?.cpuSeconds ?? NaN,
      r.cpuRatioReuse ?? NaN,
      r.ksit.peakRssMiB,
      r.ksit.temporalCpuSeconds,
      r.ksit.historyEventsPerCheck,
      r.rampSeconds,
      r.ksit.load.loadavg1,
    ]),
  );
  const sides = rs.flatMap((r) => [
    ['ksit', r, r.ksit] as const,
    ['floor', r, r.floor] as const,
    ...(r.floorReuse ? [['pooled floor', r, r.floorReuse] as const] : []),
  ]);
  printTable(
    'Per side (same reads at the same phases; the floors ran after ksit, in a process of their own)',
    [
      'monitors',
      'side',
      'checks / expected',
      'failed',
      'checked every interval',
      'lag p50 / p99 ms',
      'request p50 / p99 ms',
      'CPU ms/check',
      'peak RSS MiB',
      'apiserver CPU s',
      'load (1 min)',
    ],
    sides.map(([side, r, x]) => [
      name(r),
      side,
      `${x.checks.checks} / ${x.checks.expected}`,
      x.checks.failed ?? 0,
      share(x.checks.coveredShare),
      `${x.checks.lagP50Ms} / ${x.checks.lagP99Ms}`,
      `${x.checks.durationP50Ms} / ${x.checks.durationP99Ms}`,
      x.cpuMsPerCheck,
      x.peakRssMiB,
      x.apiserverCpuSeconds,
      x.load.loadavg1,
    ]),
  );
}
