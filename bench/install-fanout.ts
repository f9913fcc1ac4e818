// Install fan-out: one chart onto 1, 5 and 20 clusters. ksit (one Integration with autoInstall on all of them)
// against the same `helm upgrade --install` run one cluster after another by a shell loop, in the same run.
//
//   npm run bench:fanout -- 1,5,20 [--clusters N] [--chart argo-cd --version 5.51.6]
//
// --clusters N (default: the largest size) caps the real clusters; a size above N spreads its targets over the
// N clusters in separate namespaces (one Integration per namespace), for machines without RAM for 20 clusters.
// Times: "installed" is until the last `helm upgrade --install` returned (ksit: its last install activity);
// "ready" until every workload of every install is ready (ksit: every cluster Running in its status).
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppsV1Api, KubeConfig } from '@kubernetes/client-node';
import { execa } from 'execa';
import { withTimeout } from '../activities/kube/request-options.js';
import { TOOLS } from '../shared/tools/registry.js';
import type { IntegrationSpec, TargetSpec } from '../shared/types.js';
import { testChart } from '../test/e2e/helpers/ksit-worker.js';
import { connect, count, createTargets, readEvents, startIntegrations, startWorker, terminateRun } from './lib/ksit.js';
import { clusterNames, ensureEnvironment, toolEnv } from './lib/local-env.js';
import { LoadWindow, machineInfo, round } from './lib/proc.js';
import {
  exitWithUsageIfAsked,
  flag,
  log,
  parseList,
  percentile,
  positional,
  printTable,
  resultsDir,
  sleep,
  writeResults,
} from './lib/report.js';

const USAGE = 'npm run bench:fanout -- 1,5,20 [--clusters N] [--chart argo-cd --version 5.51.6] [--hook SECONDS]';
exitWithUsageIfAsked(USAGE);

const sizes = parseList(positional(), [1, 5, 20]);
const maxClusters = Number(flag('clusters') ?? Math.max(...sizes));
const chart = flag('chart') ?? 'argo-cd';
const version = flag('version') ?? '5.51.6';
const release = 'argocd';
const components = TOOLS.argocd.components;
const HELM_TIMEOUT_S = 120;
// --hook S: the chart's pre-install hook Job runs S seconds, like a real chart's migration or CRD job; a local
// KWOK cluster has no network latency or image pulls, so without it an install is nearly all Helm's own CPU.
const hookSeconds = Number(flag('hook') ?? 0);
const chartValues = hookSeconds ? { installHookSeconds: hookSeconds } : {};
// The components ksit requires (optional ones do not hold up Running), so both sides wait for the same.
const required = new Set(components.filter((c) => !c.optional).map((c) => c.name));

interface FanoutRow {
  key: string;
  installs: number;
  clusters: number;
  namespacesPerCluster: number;
  chart: string;
  at: string;
  helmLoop: { installedSeconds: number; readySeconds: number; perInstallP50Seconds: number };
  ksit: { installedSeconds: number; readySeconds: number; perInstallP50Seconds: number; perInstallMaxSeconds: number };
  speedupInstalled: number;
  speedupReady: number;
  load: ReturnType<LoadWindow['finish']>;
}

const clusters = clusterNames(Math.min(maxClusters, Math.max(...sizes)));
const env = await ensureEnvironment(clusters);
const run = randomUUID().slice(0, 6);
const taskQueue = `fanout-${run}`;
const work = join(resultsDir, 'tmp', taskQueue);
mkdirSync(work, { recursive: true });
const logFile = join(work, 'worker.log');
const worker = await startWorker(env, { taskQueue, logFile });
const client = await connect(env);
const rows: FanoutRow[] = [];
const cleanup: { cluster: string; namespace: string }[] = [];
try {
  const targets = await createTargets(client, env, taskQueue, run, clusters);
  for (const size of sizes) rows.push(await measure(size, targets));
} finally {
  await terminateRun(client, taskQueue);
  await worker.stop();
  await client.connection.close();
  log('deleting the benchmark namespaces');
  await Promise.all(
    clusters.map((c) =>
      kubectl(c, [
        'delete',
        'namespace',
        '--wait=false',
        ...cleanup.filter((x) => x.cluster === c).map((x) => x.namespace),
      ]).catch(() => undefined),
    ),
  );
}
const file = writeResults('fanout', { machine: machineInfo(), chart: `${chart} ${version}` }, rows);
printRows(JSON.parse(readFileSync(file, 'utf8')).rows as FanoutRow[]);
log(`wrote ${file}`);
rmSync(work, { recursive: true, force: true });
process.exit(0);

/** The (cluster, namespace) pairs of `size` installs: one per cluster while clusters last, then more namespaces. */
function placements(size: number, prefix: string) {
  return Array.from({ length: size }, (_, i) => ({
    cluster: clusters[i % clusters.length]!,
    namespace: `${prefix}-${Math.floor(i / clusters.length)}`,
  }));
}

async function measure(size: number, targets: TargetSpec[]): Promise<FanoutRow> {
  log(`--- ${chart} ${version} onto ${size} cluster(s)`);
  const load = new LoadWindow();
  const loopPlaces = placements(size, `fh-${run}-${size}`);
  const ksitPlaces = placements(size, `fk-${run}-${size}`);
  cleanup.push(...loopPlaces, ...ksitPlaces);

  // 1. The shell loop: the same command ksit's installChart runs, one cluster after another.
  const values = join(work, 'values.json');
  writeFileSync(values, JSON.stringify(chartValues));
  const script = loopPlaces
    .map(
      (p) =>
        `s=$(date +%s%N); helm upgrade --install ${release} ${chart} --repo ${env.chartRepoUrl} --version ${version} ` +
        `--namespace ${p.namespace} --create-namespace --values ${values} --timeout ${HELM_TIMEOUT_S}s ` +
        `--kubeconfig ${kubeconfigOf(p.cluster)} >/dev/null || exit 1; echo $(( ($(date +%s%N) - s) / 1000000 ))`,
    )
    .join('\n');
  const loopStart = Date.now();
  const out = await execa('bash', ['-c', script], { env: toolEnv(env) });
  const loopInstalled = Date.now() - loopStart;
  await waitReady(loopPlaces);
  const loopReady = Date.now() - loopStart;
  const loopEach = out.stdout.split('\n').map((l) => Number(l) / 1000);
  log(`helm loop: installed in ${loopInstalled / 1000} s, ready in ${loopReady / 1000} s`);

  // 2. ksit: one Integration per namespace round, each on its clusters; all started at once.
  const byNamespace = new Map<string, string[]>();
  for (const p of ksitPlaces) byNamespace.set(p.namespace, [...(byNamespace.get(p.namespace) ?? []), p.cluster]);
  const specs: IntegrationSpec[] = [...byNamespace].map(([namespace, cs]) => ({
    name: `${namespace}`,
    namespace: 'ksit-system',
    type: 'argocd',
    enabled: true,
    targetClusters: cs.map((c) => targets.find((t) => t.clusterName === c)!.name),
    toolNamespace: namespace,
    healthCheckIntervalMs: 30_000,
    gracePeriodMs: 180_000,
    components,
    remediation: {},
    install: testChart(env, chart, version, release, chartValues),
  }));
  const names = specs.map((s) => `'ksit-system/${s.name}'`).join(', ');
  const before = readEvents(logFile).installs.length;
  const ksitStart = Date.now();
  await startIntegrations(client, taskQueue, specs);
  for (;;) {
    const running = await count(
      client,
      taskQueue,
      `KsitKind = 'cluster' AND KsitPhase = 'Running' AND KsitIntegration IN (${names})`,
    );
    if (running >= size) break;
    if (Date.now() - ksitStart > 20 * 60_000) throw new Error(`only ${running}/${size} Running after 20 min`);
    await sleep(500);
  }
  const ksitReady = Date.now() - ksitStart;
  const installs = readEvents(logFile)
    .installs.slice(before)
    .filter((e) => e.ok);
  const ksitInstalled = Math.max(...installs.map((e) => e.doneAt)) - ksitStart;
  const each = installs.map((e) => (e.doneAt - e.startedAt) / 1000);
  log(`ksit: installed in ${ksitInstalled / 1000} s, Running in ${ksitReady / 1000} s (${installs.length} installs)`);
  const row: FanoutRow = {
    key: `${size}${clusters.length < size ? `-on${clusters.length}` : ''}${hookSeconds ? `-hook${hookSeconds}` : ''}`,
    installs: size,
    clusters: new Set(loopPlaces.map((p) => p.cluster)).size,
    namespacesPerCluster: Math.ceil(size / clusters.length),
    chart: `${chart} ${version}${hookSeconds ? `, ${hookSeconds} s install hook` : ''}`,
    at: new Date().toISOString(),
    helmLoop: {
      installedSeconds: round(loopInstalled / 1000),
      readySeconds: round(loopReady / 1000),
      perInstallP50Seconds: round(percentile(loopEach, 50)),
    },
    ksit: {
      installedSeconds: round(ksitInstalled / 1000),
      readySeconds: round(ksitReady / 1000),
      perInstallP50Seconds: round(percentile(each, 50)),
      perInstallMaxSeconds: round(Math.max(...each)),
    },
    speedupInstalled: round(loopInstalled / ksitInstalled, 2),
    speedupReady: round(loopReady / ksitReady, 2),
    load: load.finish(0),
  };
  printRows([row]);
  return row;
}

function kubeconfigOf(cluster: string): string {
  return env.clusters.find((c) => c.name === cluster)!.kubeconfig;
}

function kubectl(cluster: string, args: string[]) {
  return execa(join(env.binDir, 'kubectl'), ['--kubeconfig', kubeconfigOf(cluster), ...args], { env: toolEnv(env) });
}

/** Polls until the required components in the given namespaces have all their replicas ready. */
async function waitReady(places: { cluster: string; namespace: string }[]): Promise<void> {
  const apis = new Map(
    [...new Set(places.map((p) => p.cluster))].map((c) => {
      const kc = new KubeConfig();
      kc.loadFromFile(kubeconfigOf(c));
      return [c, kc.makeApiClient(AppsV1Api)];
    }),
  );
  const deadline = Date.now() + 10 * 60_000;
  let lastError = '';
  for (;;) {
    const ready = await Promise.all(
      places.map(async ({ cluster, namespace }) => {
        const api = apis.get(cluster)!;
        const [d, s] = await Promise.all([
          api.listNamespacedDeployment({ namespace }, withTimeout(10_000)),
          api.listNamespacedStatefulSet({ namespace }, withTimeout(10_000)),
        ]);
        const all = [...d.items, ...s.items].filter((w) => required.has(w.metadata?.name ?? ''));
        return (
          all.length === required.size && all.every((w) => (w.status?.readyReplicas ?? 0) >= (w.spec?.replicas ?? 1))
        );
      }),
    ).catch((err: Error) => {
      if (err.message !== lastError) log(`reading the helm loop's workloads failed (retrying): ${err.message}`);
      lastError = err.message;
      return [false];
    });
    if (ready.every(Boolean)) return;
    if (Date.now() > deadline) throw new Error(`helm loop installs not ready after 10 min ${lastError}`);
    await sleep(500);
  }
}

function printRows(rs: FanoutRow[]): void {
  printTable(
    `Install fan-out (${rs[0]?.chart ?? chart}; seconds)`,
    [
      'installs',
      'clusters',
      'helm loop: installed',
      'helm loop: ready',
      'ksit: installed',
      'ksit: Running',
      'speed-up installed',
      'speed-up ready',
      'ksit install p50 / max',
      'load (1 min)',
    ],
    rs
      .sort((a, b) => a.installs - b.installs)
      .map((r) => [
        String(r.installs),
        `${r.clusters}${r.namespacesPerCluster > 1 ? ` (x${r.namespacesPerCluster} ns)` : ''}`,
        r.helmLoop.installedSeconds,
        r.helmLoop.readySeconds,
        r.ksit.installedSeconds,
        r.ksit.readySeconds,
        `${r.speedupInstalled}x`,
        `${r.speedupReady}x`,
        `${r.ksit.perInstallP50Seconds} / ${r.ksit.perInstallMaxSeconds}`,
        r.load.loadavg1,
      ]),
  );
}
