// ksit as the benchmarks drive it: the real worker process (dist/workers/main.js) on a task queue of its own,
// logging each health check and install at debug level (the lines the benchmarks read lag and coverage from),
// targets and Integrations started the way `ksit apply` starts them, and clean-up of everything the run started.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { Client, Connection } from '@temporalio/client';
import type { IntegrationSpec, TargetSpec } from '../../shared/types.js';
import { workflowIds } from '../../workflows/definitions.js';
import { startWorkerProcess, type WorkerProcess } from '../../test/e2e/helpers/worker-process.js';
import { IMAGE_NODE_OPTIONS, JEMALLOC_LIBRARY } from './image-settings.js';
import type { LocalEnvironment } from './local-env.js';
import { repoRoot } from '../../test/e2e/env/environment.js';
import { log, pool, resultsDir, sleep } from './report.js';

export interface WorkerOptions {
  taskQueue: string;
  logFile: string;
  /** Directory for a V8 CPU profile of the worker (node --cpu-prof), written when it stops. */
  cpuProfDir?: string;
  extraEnv?: Record<string, string>;
}

let bundle: Promise<string> | undefined;

/**
 * The workflow bundle, prebuilt once per benchmark process as the image does (`npm run bundle`): a worker that
 * bundled at start would also keep webpack in memory, which the shipped worker never loads.
 */
export function prebuiltBundle(): Promise<string> {
  bundle ??= (async () => {
    const file = join(resultsDir, 'tmp', `workflow-bundle-${process.pid}.js`);
    await execa(process.execPath, [join(repoRoot, 'dist/workers/bundle-workflows.js'), file], { stdio: 'ignore' });
    return file;
  })();
  return bundle;
}

/** Where Debian's package libjemalloc2 puts the library the image preloads. */
const JEMALLOC = `/usr/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu/${JEMALLOC_LIBRARY}`;
let warnedNoJemalloc = false;

/**
 * What the image sets for the worker (Dockerfile): a prebuilt bundle, jemalloc as malloc, and the V8 heap limit.
 * Without jemalloc on this machine the worker runs on glibc's malloc (two arenas), and says so: its RSS is then
 * about a third higher than the image's (BENCHMARKS.md, memory).
 */
export async function imageWorkerEnv(): Promise<Record<string, string>> {
  const env: Record<string, string> = {
    KSIT_WORKFLOW_BUNDLE: await prebuiltBundle(),
    NODE_OPTIONS: IMAGE_NODE_OPTIONS,
    MALLOC_ARENA_MAX: '2',
  };
  if (existsSync(JEMALLOC)) env.LD_PRELOAD = JEMALLOC;
  else if (!warnedNoJemalloc) {
    warnedNoJemalloc = true;
    log(`${JEMALLOC} not found: the worker runs on glibc's malloc, unlike the image (apt-get install libjemalloc2)`);
  }
  return env;
}

export async function startWorker(env: LocalEnvironment, o: WorkerOptions): Promise<WorkerProcess> {
  exitOnSignals();
  return startWorkerProcess(env, {
    taskQueue: o.taskQueue,
    logFile: o.logFile,
    logLevel: 'debug',
    nodeArgs: o.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${o.cpuProfDir}`] : [],
    env: { ...(await imageWorkerEnv()), ...o.extraEnv },
  });
}

/**
 * Ctrl-C and SIGTERM end the process through its 'exit' event, where the workers it started are killed; unhandled,
 * these signals end Node without that event.
 */
export function exitOnSignals(): void {
  if (process.listenerCount('SIGTERM') > 0) return;
  process.once('SIGINT', () => process.exit(130));
  process.once('SIGTERM', () => process.exit(143));
}

export async function connect(env: LocalEnvironment): Promise<Client> {
  return new Client({
    connection: await Connection.connect({ address: env.temporalAddress }),
    namespace: env.temporalNamespace,
  });
}

/**
 * Registers one IntegrationTarget per cluster (a target workflow, as `ksit apply` does) and waits until
 * visibility lists them: an Integration resolves its targets through visibility, and one started before its
 * targets are listed would find them only at its next resolve (5 minutes later).
 */
export async function createTargets(
  client: Client,
  env: LocalEnvironment,
  taskQueue: string,
  run: string,
  clusters: string[],
): Promise<TargetSpec[]> {
  const targets = await Promise.all(
    clusters.map(async (name) => {
      const c = env.clusters.find((x) => x.name === name);
      if (!c) throw new Error(`no local cluster ${name}`);
      const target: TargetSpec = {
        name: `${name}-${run}`,
        namespace: 'ksit-system',
        clusterName: name,
        labels: { run },
        credentials: { kind: 'file', path: c.kubeconfig, context: c.context },
      };
      await client.workflow.start('targetWorkflow', {
        taskQueue,
        workflowId: workflowIds.target(target.namespace, target.name),
        args: [{ target }],
        memo: { target },
      });
      return target;
    }),
  );
  for (let i = 0; (await count(client, taskQueue, `KsitKind = 'target'`)) < clusters.length; i++) {
    if (i > 600) throw new Error('target workflows not listed in visibility after 5 minutes');
    await sleep(500);
  }
  return targets;
}

export async function startIntegrations(client: Client, taskQueue: string, specs: IntegrationSpec[]): Promise<void> {
  await pool(specs, 16, (spec) =>
    client.workflow.start('integrationWorkflow', {
      taskQueue,
      workflowId: workflowIds.integration(spec.namespace, spec.name),
      args: [{ spec }],
    }),
  );
}

/** How many running workflows of this run's task queue match a visibility query. */
export async function count(client: Client, taskQueue: string, where: string): Promise<number> {
  const r = await client.workflow.count(`TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running' AND ${where}`);
  return r.count;
}

/**
 * Waits until `want` cluster lifecycles of the run report `phase`, logging progress every 30 s. Returns the time
 * it took and how many got there (fewer than `want` when `timeoutMs` passed first and `partial` is set).
 */
export async function waitForPhase(
  client: Client,
  taskQueue: string,
  phase: string,
  want: number,
  timeoutMs: number,
  partial = false,
): Promise<{ ms: number; reached: number }> {
  const started = Date.now();
  let lastLog = 0;
  for (;;) {
    const n = await count(client, taskQueue, `KsitKind = 'cluster' AND KsitPhase = '${phase}'`).catch(() => -1);
    if (n >= want) return { ms: Date.now() - started, reached: n };
    if (Date.now() - lastLog >= 30_000) {
      log(`${n}/${want} monitors ${phase}`);
      lastLog = Date.now();
    }
    if (Date.now() - started > timeoutMs) {
      if (partial) return { ms: Date.now() - started, reached: n };
      throw new Error(`only ${n}/${want} monitors reached ${phase} in time`);
    }
    await sleep(2_000);
  }
}

/** History length of every running workflow of the run, by workflow id. */
export async function historyLengths(client: Client, taskQueue: string): Promise<Map<string, number>> {
  const ids: string[] = [];
  for await (const wf of client.workflow.list({ query: `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'` }))
    ids.push(wf.workflowId);
  const lengths = await pool(ids, 8, async (id) => (await client.workflow.getHandle(id).describe()).historyLength);
  return new Map(ids.map((id, i) => [id, lengths[i]!]));
}

/** Terminates every running workflow of the run's task queue (Integrations abandon their lifecycles). */
export async function terminateRun(client: Client, taskQueue: string): Promise<number> {
  let total = 0;
  for (let round = 0; round < 5; round++) {
    const ids: string[] = [];
    for await (const wf of client.workflow.list({
      query: `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'`,
    }))
      ids.push(wf.workflowId);
    if (ids.length === 0) break;
    await pool(ids, 16, (id) =>
      client.workflow
        .getHandle(id)
        .terminate('benchmark over')
        .catch(() => undefined),
    );
    total += ids.length;
    await sleep(1_000); // visibility catches up
  }
  return total;
}

export interface CheckEvent {
  /** The monitor's lifecycle workflow id (one Integration on one target). */
  monitor: string;
  scheduledAt: number;
  doneAt: number;
  durationMs: number;
  /** A check whose reads failed reports no health. */
  ok: boolean;
}

export interface InstallEvent {
  cluster: string;
  startedAt: number;
  doneAt: number;
  ok: boolean;
}

/** The health checks and installs in a worker's JSON log (pino: `time` is when the line was written). */
export function readEvents(logFile: string): { checks: CheckEvent[]; installs: InstallEvent[] } {
  const checks: CheckEvent[] = [];
  const installs: InstallEvent[] = [];
  if (!existsSync(logFile)) return { checks, installs };
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    const e = JSON.parse(line) as Record<string, unknown>;
    const time = Number(e.time);
    const ms = Number(e.ms);
    if (e.msg === 'health check') {
      checks.push({
        monitor: workflowIds.cluster(String(e.namespace), String(e.integration), String(e.target)),
        scheduledAt: Number(e.scheduledAt),
        doneAt: time,
        durationMs: ms,
        ok: typeof e.healthy === 'boolean',
      });
    } else if (e.msg === 'install') {
      installs.push({ cluster: String(e.cluster), startedAt: time - ms, doneAt: time, ok: e.ok === true });
    }
  }
  return { checks, installs };
}
