// A three-wave rollout over N real clusters (default 20): canary (1 cluster, soak), staging (a quarter, two at a
// time, soak), and the rest (the implicit last wave, all at once). Revision 1 goes everywhere at once; the figure
// is revision 1 -> 2 (argo-cd 5.51.5 -> 5.51.6): the time from the spec update until the rollout is Complete,
// against the sum of its soaks plus its installs on the critical path (each wave's installs, batch by batch, as
// the worker's log timed them). The difference is what ksit adds: noticing Running, deciding, signalling.
//
//   npm run bench:rollout -- [--clusters 20] [--soak 30s]
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseDuration } from '../shared/spec/index.js';
import { TOOLS } from '../shared/tools/registry.js';
import type { IntegrationSpec } from '../shared/types.js';
import { testChart } from '../test/e2e/helpers/ksit-worker.js';
import { updateSpecUpdate, workflowIds } from '../workflows/definitions.js';
import { rolloutStatusQuery } from '../workflows/rollout/definitions.js';
import { connect, createTargets, readEvents, startIntegrations, startWorker, terminateRun } from './lib/ksit.js';
import { clusterNames, ensureEnvironment } from './lib/local-env.js';
import { LoadWindow, machineInfo, round } from './lib/proc.js';
import { exitWithUsageIfAsked, flag, log, printTable, resultsDir, sleep, writeResults } from './lib/report.js';

const USAGE = 'npm run bench:rollout -- [--clusters 20] [--soak 30s]';
exitWithUsageIfAsked(USAGE);
const n = Number(flag('clusters') ?? 20);
const soakMs = parseDuration(flag('soak') ?? '30s') ?? 30_000;
const stagingSize = Math.max(1, Math.round(n / 4));

const env = await ensureEnvironment(clusterNames(n));
const run = randomUUID().slice(0, 8);
const taskQueue = `bench-rollout-${run}`;
const logDir = join(resultsDir, 'logs');
mkdirSync(logDir, { recursive: true });
const logFile = join(logDir, `rollout-${run}.log`);
const worker = await startWorker(env, { taskQueue, logFile });
const client = await connect(env);
try {
  const targets = await createTargets(client, env, taskQueue, run, clusterNames(n));
  const spec = (version: string): IntegrationSpec => ({
    name: `rollout-${run}`,
    namespace: 'ksit-system',
    type: 'argocd',
    enabled: true,
    targetClusters: targets.map((t) => t.name),
    install: testChart(env, 'argo-cd', version, 'argocd'),
    toolNamespace: `rollout-${run}`,
    healthCheckIntervalMs: 2_000,
    gracePeriodMs: 10_000,
    components: TOOLS.argocd.components,
    remediation: {},
    rollout: {
      waves: [
        { name: 'canary', clusters: [targets[0]!.name], soakMs, manualApproval: false },
        {
          name: 'staging',
          clusters: targets.slice(1, 1 + stagingSize).map((t) => t.name),
          maxParallel: { count: 2 },
          soakMs,
          manualApproval: false,
        },
      ],
      progressDeadlineMs: 10 * 60_000,
      onFailure: 'pause',
    },
  });
  await startIntegrations(client, taskQueue, [spec('5.51.5')]);
  const handle = client.workflow.getHandle(workflowIds.integration('ksit-system', `rollout-${run}`));
  const complete = async (revision: number, timeoutMs: number) => {
    for (const started = Date.now(); Date.now() - started < timeoutMs; await sleep(500)) {
      const s = await handle.query(rolloutStatusQuery).catch(() => null);
      if (s?.state === 'Complete' && s.revision === revision && s.clusters.every((c) => c.revision === revision))
        return;
      if (s && s.state !== 'Progressing' && s.state !== 'Soaking') throw new Error(`rollout ${s.state}: ${s.message}`);
    }
    throw new Error(`revision ${revision} not Complete within ${timeoutMs / 1000} s`);
  };
  await complete(1, 20 * 60_000);
  log('revision 1 everywhere; rolling out revision 2');
  const load = new LoadWindow();
  const t0 = Date.now();
  await handle.executeUpdate(updateSpecUpdate, { args: [spec('5.51.6'), { by: 'bench' }] });
  await complete(2, 30 * 60_000);
  const totalMs = Date.now() - t0;
  const window = load.finish(0);
  await sleep(1_000); // the worker's last install lines
  const installs = readEvents(logFile).installs.filter((i) => i.startedAt >= t0 && i.ok);
  const sum = installs.reduce((a, i) => a + (i.doneAt - i.startedAt), 0);
  // Critical path: the canary's install, then staging in batches of two (the longest of each batch), then the
  // rest at once (its longest install).
  const byCluster = new Map(installs.map((i) => [i.cluster, i.doneAt - i.startedAt]));
  const ms = (names: string[]) => names.map((c) => byCluster.get(c) ?? 0);
  const staging = ms(clusterNames(n).slice(1, 1 + stagingSize));
  let critical = Math.max(0, ...ms(['cluster-1']));
  for (let i = 0; i < staging.length; i += 2) critical += Math.max(...staging.slice(i, i + 2));
  critical += Math.max(0, ...ms(clusterNames(n).slice(1 + stagingSize)));
  const soaks = 2 * soakMs;
  const row = {
    key: `${n}`,
    clusters: n,
    waves: [1, stagingSize, n - 1 - stagingSize],
    soakSeconds: soakMs / 1000,
    totalSeconds: round(totalMs / 1000),
    soaksSeconds: soaks / 1000,
    installsCriticalPathSeconds: round(critical / 1000),
    installsSumSeconds: round(sum / 1000),
    overheadSeconds: round((totalMs - soaks - critical) / 1000),
    installs: installs.length,
    loadavg1: window.loadavg1,
    at: new Date().toISOString(),
  };
  printTable(
    `three-wave rollout, revision 1 -> 2 over ${n} clusters (load average ${window.loadavg1})`,
    ['clusters', 'total s', 'soaks s', 'installs (critical path) s', 'overhead s', 'installs summed s'],
    [
      [
        n,
        row.totalSeconds,
        row.soaksSeconds,
        row.installsCriticalPathSeconds,
        row.overheadSeconds,
        row.installsSumSeconds,
      ],
    ],
  );
  writeResults('rollout', { machine: machineInfo() }, [row]);
} finally {
  await terminateRun(client, taskQueue).catch(() => 0);
  await worker.stop();
  await client.connection.close();
}
