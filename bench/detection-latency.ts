// Detection latency: how long after a component breaks `ksit get integrations -o json` says Degraded, and how long
// after it is fixed it says Running again.
//
//   npm run bench:detection -- 20 [--interval 30] [--cluster cluster-1] [--source watch|poll] [--quiet 120]
//
// --source: how the worker learns of changes, its watch cache (the default) or a read of the API every check
// (KSIT_HEALTH_SOURCE=poll, what ksit did before). Also counted: the requests the worker sent to the API server
// (ksit_kube_requests_total) from the first round to the last, per monitor-hour.
//
// One argocd Integration (the test chart, installed by ksit) on one cluster. Each round waits a random time
// within the interval (so faults land anywhere between two checks), injects a fault with deploy/local/fault.sh
// on argocd-repo-server (crashloop, imagepull, notready in turn), and polls the CLI back to back until it shows
// Degraded; then the same for `clear` and Running. Also recorded: when the API server first showed the
// Deployment unready / ready again (polled every 200 ms), and the time of ksit's own transition.
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AppsV1Api, KubeConfig } from '@kubernetes/client-node';
import { execa } from 'execa';
import { TOOLS } from '../shared/tools/registry.js';
import type { IntegrationSpec, IntegrationStatus } from '../shared/types.js';
import { faultScript, repoRoot } from '../test/e2e/env/environment.js';
import { testChart } from '../test/e2e/helpers/ksit-worker.js';
import { integrationStatusQuery, workflowIds } from '../workflows/definitions.js';
import { connect, createTargets, startIntegrations, startWorker, terminateRun, waitForPhase } from './lib/ksit.js';
import { ensureEnvironment, temporalKeySuffix, temporalKind, toolEnv } from './lib/local-env.js';
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

const USAGE =
  'npm run bench:detection -- [rounds=20] [--interval 30] [--cluster cluster-1] [--source watch|poll] [--quiet 120]';
exitWithUsageIfAsked(USAGE);

const rounds = Number(positional() ?? 20);
const intervalMs = Number(flag('interval') ?? 30) * 1000;
const cluster = flag('cluster') ?? 'cluster-1';
const component = 'argocd-repo-server';
const FAULTS = ['crashloop', 'imagepull', 'notready'] as const;

interface Round {
  fault: string;
  /** From running fault.sh to: the API showing it, ksit's transition, `ksit get` showing it. */
  degraded: { apiMs: number; transitionMs: number; cliMs: number };
  recovered: { apiMs: number; transitionMs: number; cliMs: number };
}

const env = await ensureEnvironment([cluster]);
const run = randomUUID().slice(0, 6);
const taskQueue = `detect-${run}`;
const work = join(resultsDir, 'tmp', taskQueue);
mkdirSync(work, { recursive: true });
const source = flag('source') ?? 'watch';
const quietS = Number(flag('quiet') ?? 120);
if (source !== 'watch' && source !== 'poll') throw new Error('--source wants watch or poll');
const worker = await startWorker(env, {
  taskQueue,
  logFile: join(work, 'worker.log'),
  extraEnv: { KSIT_HEALTH_SOURCE: source },
});
const kubeRequests = async () =>
  Number(/^ksit_kube_requests_total (\S+)$/m.exec((await worker.get('/metrics')).body)?.[1] ?? NaN);
let requests = { at: 0, count: 0 };
let healthy = NaN;
const client = await connect(env);
const namespace = `det-${run}`;
const kubeconfig = env.clusters.find((c) => c.name === cluster)!.kubeconfig;
const kc = new KubeConfig();
kc.loadFromFile(kubeconfig);
const apps = kc.makeApiClient(AppsV1Api);
const cliTimes: number[] = [];
const results: Round[] = [];
const load = new LoadWindow();
try {
  const [target] = await createTargets(client, env, taskQueue, run, [cluster]);
  const spec: IntegrationSpec = {
    name: `detect-${run}`,
    namespace: 'ksit-system',
    type: 'argocd',
    enabled: true,
    targetClusters: [target!.name],
    toolNamespace: namespace,
    healthCheckIntervalMs: intervalMs,
    gracePeriodMs: 60_000,
    components: TOOLS.argocd.components,
    remediation: {},
    install: testChart(env, 'argo-cd', '5.51.6', 'argocd'),
  };
  await startIntegrations(client, taskQueue, [spec]);
  await waitForPhase(client, taskQueue, 'Running', 1, 10 * 60_000);
  const handle = client.workflow.getHandle(workflowIds.integration(spec.namespace, spec.name));
  log(`argocd Running on ${cluster}; ${rounds} rounds at a ${intervalMs / 1000} s interval (${source})`);
  requests = { at: Date.now(), count: await kubeRequests() };

  for (let i = 0; i < rounds; i++) {
    const fault = FAULTS[i % FAULTS.length]!;
    await sleep(Math.random() * intervalMs);
    const degraded = await transition(handle, spec.name, fault, 'Degraded', false);
    await sleep(Math.random() * intervalMs);
    const recovered = await transition(handle, spec.name, 'clear', 'Running', true);
    results.push({ fault, degraded, recovered });
    log(
      `round ${i + 1}/${rounds} ${fault}: Degraded after ${(degraded.cliMs / 1000).toFixed(1)} s, ` +
        `Running after ${(recovered.cliMs / 1000).toFixed(1)} s`,
    );
  }
  const hours = (Date.now() - requests.at) / 3_600_000;
  requests = { at: hours, count: (await kubeRequests()) - requests.count };
  // Most monitors of a fleet are healthy most of the time: the requests of a healthy window, apart from the
  // rounds' (which are all faults and recoveries).
  log(`healthy window: ${quietS} s without faults`);
  const before = { at: Date.now(), count: await kubeRequests() };
  await sleep(quietS * 1000);
  healthy = ((await kubeRequests()) - before.count) / ((Date.now() - before.at) / 3_600_000);
} finally {
  await terminateRun(client, taskQueue);
  await worker.stop();
  await client.connection.close();
  await execa(
    join(env.binDir, 'kubectl'),
    ['--kubeconfig', kubeconfig, 'delete', 'namespace', namespace, '--wait=false'],
    {
      env: toolEnv(env),
      reject: false,
    },
  );
}

const summary = (xs: number[]) => ({
  p50Seconds: round(percentile(xs, 50) / 1000, 2),
  p99Seconds: round(percentile(xs, 99) / 1000, 2),
  maxSeconds: round(Math.max(...xs) / 1000, 2),
  p50OfInterval: round(percentile(xs, 50) / intervalMs, 2),
  p99OfInterval: round(percentile(xs, 99) / intervalMs, 2),
});
const pick = (side: 'degraded' | 'recovered', k: keyof Round['degraded']) => results.map((r) => r[side][k]);
const row = {
  key: `${intervalMs / 1000}s-${source}${temporalKeySuffix()}`,
  temporal: temporalKind(),
  source,
  intervalS: intervalMs / 1000,
  /** Requests the worker sent to the API server during the rounds (1 monitor), per hour. */
  kubeRequestsPerMonitorHour: round(requests.count / requests.at, 1),
  /** The same in a window with no fault (--quiet seconds after the rounds). */
  healthyKubeRequestsPerMonitorHour: round(healthy, 1),
  healthyWindowS: quietS,
  rounds: results.length,
  at: new Date().toISOString(),
  cliCallP50Ms: round(percentile(cliTimes, 50)),
  cliCallP99Ms: round(percentile(cliTimes, 99)),
  degraded: {
    api: summary(pick('degraded', 'apiMs')),
    transition: summary(pick('degraded', 'transitionMs')),
    cli: summary(pick('degraded', 'cliMs')),
  },
  recovered: {
    api: summary(pick('recovered', 'apiMs')),
    transition: summary(pick('recovered', 'transitionMs')),
    cli: summary(pick('recovered', 'cliMs')),
  },
  load: load.finish(0),
  rawRounds: results,
};
const file = writeResults('detection', { machine: machineInfo() }, [row]);
printTable(
  `Detection latency (${results.length} faults, ${intervalMs / 1000} s interval; seconds from fault.sh, and as a share of the interval)`,
  [
    'what',
    'API shows it p50',
    'ksit transition p50 / p99',
    '`ksit get` p50',
    '`ksit get` p99',
    'p50 / p99 of interval',
  ],
  (['degraded', 'recovered'] as const).map((side) => [
    side === 'degraded' ? 'fault -> Degraded' : 'clear -> Running',
    row[side].api.p50Seconds,
    `${row[side].transition.p50Seconds} / ${row[side].transition.p99Seconds}`,
    row[side].cli.p50Seconds,
    row[side].cli.p99Seconds,
    `${row[side].cli.p50OfInterval} / ${row[side].cli.p99OfInterval}`,
  ]),
);
console.log(
  `\n\`ksit get integrations -o json\` took ${row.cliCallP50Ms} ms per call (p50), ${row.cliCallP99Ms} ms p99`,
);
console.log(
  `API requests per monitor-hour (${source}): ${row.kubeRequestsPerMonitorHour} during the rounds, ` +
    `${row.healthyKubeRequestsPerMonitorHour} while healthy (${quietS} s)`,
);
log(`wrote ${file}`);
rmSync(work, { recursive: true, force: true });
process.exit(0);

/**
 * Runs fault.sh with `fault`, then watches three things until each shows `want`: the Deployment in the API
 * (ready or not), ksit's transition time (from the workflow's status), and `ksit get integrations -o json`.
 */
async function transition(
  handle: ReturnType<typeof client.workflow.getHandle>,
  name: string,
  fault: string,
  want: 'Degraded' | 'Running',
  healthy: boolean,
): Promise<{ apiMs: number; transitionMs: number; cliMs: number }> {
  const t0 = Date.now();
  await execa(faultScript, [cluster, namespace, `deployment/${component}`, fault], { env: toolEnv(env) });
  let apiAt: number | undefined;
  let done = false;
  const apiWatch = (async () => {
    while (!done && apiAt === undefined) {
      const d = await apps.readNamespacedDeployment({ name: component, namespace }).catch(() => undefined);
      const s = d?.status;
      const ready =
        !!d &&
        (s?.readyReplicas ?? 0) >= (d.spec?.replicas ?? 1) &&
        (s?.updatedReplicas ?? 0) >= (d.spec?.replicas ?? 1) &&
        (s?.replicas ?? 0) <= (d.spec?.replicas ?? 1);
      if (ready === healthy) apiAt = Date.now();
      else await sleep(200);
    }
  })();
  let cliAt: number | undefined;
  while (cliAt === undefined) {
    const c0 = Date.now();
    const out = await execa(
      process.execPath,
      [join(repoRoot, 'dist/client/cli.js'), 'get', 'integrations', '-o', 'json'],
      {
        env: { ...toolEnv(env), TEMPORAL_ADDRESS: env.temporalAddress, TEMPORAL_NAMESPACE: env.temporalNamespace },
        reject: false,
      },
    );
    cliTimes.push(Date.now() - c0);
    const list = out.exitCode === 0 ? (JSON.parse(out.stdout) as { name: string; phase: string }[]) : [];
    if (list.find((x) => x.name === name)?.phase === want) cliAt = Date.now();
    if (Date.now() - t0 > 10 * intervalMs) throw new Error(`no ${want} within ${10 * intervalMs} ms of ${fault}`);
  }
  done = true;
  await apiWatch;
  const status: IntegrationStatus = await handle.query(integrationStatusQuery);
  const last = [...(status.clusters[0]?.transitions ?? [])].reverse().find((t) => t.phase === want);
  const transitionAt = last ? Date.parse(last.at) : NaN;
  return { apiMs: (apiAt ?? NaN) - t0, transitionMs: transitionAt - t0, cliMs: cliAt - t0 };
}
