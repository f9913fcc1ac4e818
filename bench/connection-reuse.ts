// The cost of one health-check read with client-node as it comes (a new undici Agent, so a new TLS connection,
// per request) and with ksit's PooledKubeConfig (one pool per cluster): CPU of this process per call, and wall
// time, issuing calls one at a time and 20 at a time.
//
//   npm run bench:connections -- [calls=400] [--cluster cluster-1]
import { AppsV1Api, KubeConfig } from '@kubernetes/client-node';
import { PooledKubeConfig } from '../activities/kube/pooled-kubeconfig.js';
import { withTimeout } from '../activities/kube/request-options.js';
import { clusterNames, ensureEnvironment } from './lib/local-env.js';
import { LoadWindow, machineInfo, round } from './lib/proc.js';
import { exitWithUsageIfAsked, flag, pool, positional, printTable, writeResults } from './lib/report.js';

const USAGE = 'npm run bench:connections -- [calls=400] [--cluster cluster-1]';
exitWithUsageIfAsked(USAGE);

const calls = Number(positional() ?? 400);
const cluster = flag('cluster') ?? clusterNames(1)[0]!;
const env = await ensureEnvironment([cluster]);
const c = env.clusters.find((x) => x.name === cluster)!;

function api(kc: KubeConfig): AppsV1Api {
  kc.loadFromFile(c.kubeconfig);
  kc.setCurrentContext(c.context);
  return kc.makeApiClient(AppsV1Api);
}

async function measure(name: string, a: AppsV1Api, concurrency: number) {
  const read = () => a.listNamespacedDeployment({ namespace: 'kube-system' }, withTimeout(10_000));
  await pool(Array.from({ length: 40 }), concurrency, read); // warm-up (JIT, first connections)
  const load = new LoadWindow();
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  await pool(Array.from({ length: calls }), concurrency, read);
  const used = process.cpuUsage(cpu0);
  const wall = Date.now() - t0;
  return {
    key: `${name}-${concurrency}`,
    connections: name,
    concurrency,
    calls,
    cpuMsPerCall: round((used.user + used.system) / 1000 / calls, 2),
    wallMsPerCall: round(wall / calls, 1),
    loadavg1: load.finish(0).loadavg1,
  };
}

const rows = [];
for (const concurrency of [1, 20]) {
  // Twice each, interleaved, so that a change in the machine's load shows rather than favouring one side.
  for (let i = 0; i < 2; i++) {
    rows.push(await measure('client-node default', api(new KubeConfig()), concurrency));
    rows.push(await measure('pooled (ksit)', api(new PooledKubeConfig()), concurrency));
  }
}
const merged = new Map<string, (typeof rows)[number]>();
for (const r of rows) {
  const m = merged.get(r.key);
  merged.set(
    r.key,
    m
      ? {
          ...r,
          calls: m.calls + r.calls,
          cpuMsPerCall: round((m.cpuMsPerCall + r.cpuMsPerCall) / 2, 2),
          wallMsPerCall: round((m.wallMsPerCall + r.wallMsPerCall) / 2, 1),
          loadavg1: round((m.loadavg1 + r.loadavg1) / 2, 2),
        }
      : r,
  );
}
const out = [...merged.values()];
printTable(
  `One list call (listNamespacedDeployment), ${calls} calls x 2 per row`,
  ['connections', 'concurrency', 'CPU ms/call', 'wall ms/call', 'load (1 min)'],
  out.map((r) => [r.connections, String(r.concurrency), r.cpuMsPerCall, r.wallMsPerCall, r.loadavg1]),
);
console.log(writeResults('connections', { machine: machineInfo() }, out));
process.exit(0);
