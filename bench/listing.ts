// Listing: how long `ksit get integrations -o json` takes over N Integrations, with the CLI's own start-up
// measured apart, against the old way (one visibility list, then one status query per Integration), and what a
// `--watch` costs the Temporal server.
//
//   npm run bench:listing -- 1000 [--interval 300] [--repeat 5] [--old-way 3]
//
// N monitor-only `custom` Integrations on cluster-1 (each watching one of 20 bench Deployments), started at once.
// Once all are Running: `ksit get integrations --help` (start-up: Node and the listing's own modules, no
// connection), then `ksit get integrations -o json` (must list all N) and its listing call in-process, then the
// query-per-Integration listing done in-process, then 30 s of `ksit get integrations -o json --watch` against 30 s
// without it (Temporal server CPU).
import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { listIntegrations } from '../client/status-list.js';
import type { IntegrationSpec } from '../shared/types.js';
import { repoRoot } from '../test/e2e/env/environment.js';
import { integrationStatusQuery } from '../workflows/definitions.js';
import { connect, createTargets, startIntegrations, startWorker, terminateRun, waitForPhase } from './lib/ksit.js';
import { ensureEnvironment, temporalKeySuffix, temporalKind, temporalPid, toolEnv } from './lib/local-env.js';
import { cpuSeconds, LoadWindow, machineInfo, round } from './lib/proc.js';
import {
  exitWithUsageIfAsked,
  flag,
  log,
  percentile,
  pool,
  positional,
  printTable,
  resultsDir,
  sleep,
  writeResults,
} from './lib/report.js';
import { benchNamespace, ensureWorkloads } from './lib/workloads.js';

const USAGE = 'npm run bench:listing -- 1000 [--interval 300] [--repeat 5] [--old-way 3]';
exitWithUsageIfAsked(USAGE);

const n = Number(positional() ?? 1000);
const intervalMs = Number(flag('interval', '300')) * 1000;
const repeat = Number(flag('repeat', '5'));
// Passes of the old way (a query per Integration), each cut off after OLD_WAY_LIMIT_MS: with a bounded workflow
// cache most queries replay a history, so at 1,000 one pass can take minutes (0 skips it).
const oldWayPasses = Number(flag('old-way', String(Math.min(repeat, 3))));
const OLD_WAY_LIMIT_MS = 120_000;
const cluster = 'cluster-1';
const SHARED = 20;

const env = await ensureEnvironment([cluster]);
await ensureWorkloads(env, [cluster], SHARED);
const run = randomUUID().slice(0, 6);
const taskQueue = `listing-${run}`;
const work = join(resultsDir, 'tmp', taskQueue);
mkdirSync(work, { recursive: true });
const client = await connect(env);
const worker = await startWorker(env, { taskQueue, logFile: join(work, 'worker.log') });
const cliEnv = {
  ...toolEnv(env),
  TEMPORAL_ADDRESS: env.temporalAddress,
  TEMPORAL_NAMESPACE: env.temporalNamespace,
  KSIT_TASK_QUEUE: taskQueue,
};
const cli = (args: string[]) =>
  execa(process.execPath, [join(repoRoot, 'dist/client/cli.js'), ...args], { env: cliEnv });
async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}
const stats = (xs: number[]) => ({ p50Ms: round(percentile(xs, 50)), maxMs: round(Math.max(...xs)) });

try {
  const [target] = await createTargets(client, env, taskQueue, run, [cluster]);
  const specs: IntegrationSpec[] = Array.from({ length: n }, (_, i) => ({
    name: `ls-${run}-${i}`,
    namespace: 'ksit-system',
    type: 'custom',
    enabled: true,
    targetClusters: [target!.name],
    toolNamespace: benchNamespace(i % SHARED),
    healthCheckIntervalMs: intervalMs,
    gracePeriodMs: 60_000,
    components: [{ kind: 'Deployment', name: 'app' }],
    remediation: {},
  }));
  await startIntegrations(client, taskQueue, specs);
  const ramp = await waitForPhase(client, taskQueue, 'Running', n, 40 * 60_000);
  log(`${n} Integrations Running after ${Math.round(ramp.ms / 1000)} s`);
  await sleep(5_000); // the last memos reach visibility
  const load = new LoadWindow();

  const startup: number[] = [];
  const listing: number[] = [];
  const byQuery: number[] = [];
  // The CLI's own listing call, in this process: what the Temporal server's visibility list and the memos cost,
  // apart from the CLI's start-up, connection and output.
  const inProcess: number[] = [];
  // The old way can fail outright at this size: a query the worker cannot answer in time is counted, not fatal.
  let failedQueries = 0;
  let listed = 0;
  for (let i = 0; i < repeat; i++) {
    startup.push((await timed(() => cli(['get', 'integrations', '--help']))).ms);
    const got = await timed(() => cli(['get', 'integrations', '-o', 'json']));
    listing.push(got.ms);
    const items = JSON.parse(got.value.stdout) as { name: string; clusters: unknown[] }[];
    listed = items.filter((x) => x.name.startsWith(`ls-${run}-`) && x.clusters.length === 1).length;
    if (listed !== n) throw new Error(`ksit get listed ${listed} of ${n} Integrations with their cluster`);
    const direct = await timed(() => listIntegrations(client));
    inProcess.push(direct.ms);
    const fromMemo = direct.value.filter((x) => x.name.startsWith(`ls-${run}-`) && x.clusters.length === 1).length;
    if (fromMemo !== n) throw new Error(`the in-process listing found ${fromMemo} of ${n} Integrations`);
  }
  let oldWayCutOff = false;
  for (let i = 0; i < oldWayPasses && !oldWayCutOff; i++) {
    const deadline = Date.now() + OLD_WAY_LIMIT_MS;
    byQuery.push(
      (
        await timed(async () => {
          const ids: string[] = [];
          for await (const wf of client.workflow.list({
            query: `KsitKind = 'integration' AND ExecutionStatus = 'Running' AND TaskQueue = '${taskQueue}'`,
          }))
            ids.push(wf.workflowId);
          await pool(ids, 16, async (id) => {
            if (Date.now() > deadline) {
              oldWayCutOff = true;
              return;
            }
            await client.workflow
              .getHandle(id)
              .query(integrationStatusQuery)
              .catch(() => {
                failedQueries++;
              });
          });
        })
      ).ms,
    );
  }

  // Temporal's CPU for 30 s with a watch running, against 30 s without one.
  const temporal = temporalPid();
  const idle0 = cpuSeconds(temporal);
  await sleep(30_000);
  const idleCpu = cpuSeconds(temporal) - idle0;
  const watch = spawn(
    process.execPath,
    [join(repoRoot, 'dist/client/cli.js'), 'get', 'integrations', '-o', 'json', '--watch'],
    {
      env: { ...process.env, ...cliEnv },
      stdio: ['ignore', 'ignore', 'ignore'],
    },
  );
  const w0 = cpuSeconds(temporal);
  await sleep(30_000);
  const watchCpu = cpuSeconds(temporal) - w0;
  watch.kill('SIGKILL');

  const row = {
    key: `${n}${temporalKeySuffix()}`,
    temporal: temporalKind(),
    integrations: n,
    at: new Date().toISOString(),
    rampSeconds: round(ramp.ms / 1000),
    cliStartup: stats(startup),
    getIntegrationsJson: stats(listing),
    getMinusStartupP50Ms: round(percentile(listing, 50) - percentile(startup, 50)),
    listIntegrationsInProcess: stats(inProcess),
    queryPerIntegrationInProcess: byQuery.length
      ? { ...stats(byQuery), failedQueries, cutOffAfterMs: oldWayCutOff ? OLD_WAY_LIMIT_MS : undefined }
      : undefined,
    temporalCpuSeconds30s: { idle: round(idleCpu, 2), watching: round(watchCpu, 2) },
    load: load.finish(0),
  };
  const file = writeResults('listing', { machine: machineInfo() }, [row]);
  printTable(
    `Listing ${n} Integrations (wall ms, p50 / max of ${repeat})`,
    [
      'CLI start-up (get integrations --help)',
      '`get integrations -o json`',
      'minus start-up',
      'its listing call in-process',
      'old: a query each (in-process)',
      'Temporal CPU 30 s idle / watching',
      'load',
    ],
    [
      [
        `${row.cliStartup.p50Ms} / ${row.cliStartup.maxMs}`,
        `${row.getIntegrationsJson.p50Ms} / ${row.getIntegrationsJson.maxMs}`,
        row.getMinusStartupP50Ms,
        `${row.listIntegrationsInProcess.p50Ms} / ${row.listIntegrationsInProcess.maxMs}`,
        !row.queryPerIntegrationInProcess
          ? 'not run'
          : oldWayCutOff
            ? `did not finish in ${OLD_WAY_LIMIT_MS / 1000} s`
            : `${row.queryPerIntegrationInProcess.p50Ms} / ${row.queryPerIntegrationInProcess.maxMs}` +
              (failedQueries > 0 ? ` (${failedQueries} queries failed)` : ''),
        `${row.temporalCpuSeconds30s.idle} / ${row.temporalCpuSeconds30s.watching} s`,
        row.load.loadavg1,
      ],
    ],
  );
  log(`wrote ${file}`);
} finally {
  await terminateRun(client, taskQueue);
  await worker.stop();
  await client.connection.close();
}
process.exit(0);
