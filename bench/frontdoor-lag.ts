// Front door status lag: how long a phase change takes to reach the Integration objects' status, with N
// Integrations applied as objects (issue 11: within 5 s, also at 1,000).
//
//   npm run bench:frontdoor -- 1000
//
// The control cluster is the local environment's cluster-2 (CRDs, one namespace of N Integrations, one
// IntegrationTarget for cluster-1 with its kubeconfig Secret), the real controller (default 2 s status round) and
// a real worker. Each Integration monitors one of 20 bench Deployments on cluster-1 (interval 300 s: the watch
// cache wakes checks on change). Once every object is Ready, one bench Deployment is made not ready (N/20
// Integrations go Degraded), then healthy again (Running). For each object, the lag is when this bench's watch of
// the objects saw the new phase minus the cluster's lastTransitionTime in that status (the time the lifecycle
// recorded the transition). Same machine, same clock.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig, Watch } from '@kubernetes/client-node';
import { execa } from 'execa';
import { repoRoot } from '../test/e2e/env/environment.js';
import { injectFault } from '../test/e2e/env/environment.js';
import { dropFinalizers } from '../test/e2e/frontdoor/control-cluster.js';
import { startController } from '../test/e2e/frontdoor/controller-process.js';
import { connect, startWorker, terminateRun } from './lib/ksit.js';
import { ensureEnvironment, toolEnv } from './lib/local-env.js';
import { LoadWindow, machineInfo, round } from './lib/proc.js';
import {
  exitWithUsageIfAsked,
  log,
  percentile,
  positional,
  printTable,
  resultsDir,
  sleep,
  writeResults,
} from './lib/report.js';
import { benchNamespace, ensureWorkloads } from './lib/workloads.js';

const USAGE = 'npm run bench:frontdoor -- 1000';
exitWithUsageIfAsked(USAGE);

const n = Number(positional() ?? 1000);
const SHARED = 20;
const env = await ensureEnvironment(['cluster-1', 'cluster-2']);
await ensureWorkloads(env, ['cluster-1'], SHARED);
const control = env.clusters.find((c) => c.name === 'cluster-2')!;
const workload = env.clusters.find((c) => c.name === 'cluster-1')!;
const run = randomUUID().slice(0, 6);
const ns = `fdb-${run}`;
const taskQueue = `frontdoor-${run}`;
const work = join(resultsDir, 'tmp', taskQueue);
mkdirSync(work, { recursive: true });

const kubectl = async (args: string[], input?: string) =>
  (
    await execa(
      join(env.binDir, 'kubectl'),
      ['--kubeconfig', control.kubeconfig, '--context', control.context, ...args],
      { env: toolEnv(env), ...(input !== undefined ? { input } : {}), maxBuffer: 256 * 1024 * 1024 },
    )
  ).stdout;

interface Entry {
  name: string;
  phase: string;
  lastTransitionTime?: string;
}
interface CR {
  metadata: { name: string };
  status?: { conditions?: { type: string; status: string }[]; clusters?: Entry[] };
}
const ready = (cr: CR) => cr.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

const client = await connect(env);
const worker = await startWorker(env, {
  taskQueue,
  logFile: join(work, 'worker.log'),
  extraEnv: { KSIT_CONTROL_KUBECONFIG: control.kubeconfig },
});
const controller = startController(env, {
  id: `bench-${run}`,
  taskQueue,
  controlKubeconfig: control.kubeconfig,
  leaseNamespace: ns,
  // The controller's defaults: a 2 s status round and a 15 s Lease.
  statusEveryMs: 2_000,
  leaseSeconds: 15,
});
let stopWatch: (() => void) | undefined;
try {
  await kubectl(['apply', '--server-side', '--force-conflicts', '-f', join(repoRoot, 'deploy/crds')]);
  await kubectl(['create', 'namespace', ns]);
  const kubeconfig = Buffer.from(await readFile(workload.kubeconfig)).toString('base64');
  await kubectl(
    ['apply', '-f', '-'],
    `apiVersion: v1
kind: Secret
metadata: {name: cluster-1-kubeconfig, namespace: ${ns}, labels: {ksit.io/kubeconfig: "true"}}
data: {kubeconfig: ${kubeconfig}}
---
apiVersion: ksit.io/v1alpha1
kind: IntegrationTarget
metadata: {name: cluster-1, namespace: ${ns}}
spec: {clusterName: cluster-1}
`,
  );
  const doc = (i: number) => `apiVersion: ksit.io/v1alpha1
kind: Integration
metadata: {name: fd-${i}, namespace: ${ns}}
spec:
  type: custom
  targetClusters: [cluster-1]
  config: {namespace: ${benchNamespace(i % SHARED)}, healthCheckInterval: 300s, components: [{kind: Deployment, name: app}]}
`;
  const started = Date.now();
  for (let from = 0; from < n; from += 250) {
    const docs = Array.from({ length: Math.min(250, n - from) }, (_, k) => doc(from + k));
    await kubectl(['apply', '--server-side', '--field-manager=ksit-bench', '-f', '-'], docs.join('---\n'));
  }
  log(`applied ${n} Integrations in ${Math.round((Date.now() - started) / 1000)} s`);

  // Ramp: every object Ready (its status written by the controller from Running lifecycles).
  let readyCount = 0;
  let lastLog = 0;
  while (readyCount < n) {
    const list = JSON.parse(await kubectl(['get', 'integrations', '-n', ns, '-o', 'json'])) as { items: CR[] };
    readyCount = list.items.filter(ready).length;
    if (Date.now() - lastLog > 30_000) {
      log(`${readyCount}/${n} Integrations Ready`);
      lastLog = Date.now();
    }
    if (Date.now() - started > 40 * 60_000) throw new Error(`only ${readyCount}/${n} Ready after 40 minutes`);
    if (readyCount < n) await sleep(5_000);
  }
  const rampSeconds = round((Date.now() - started) / 1000);
  log(`${n} Integrations Ready after ${rampSeconds} s`);
  await sleep(10_000); // settle: the last status writes and checks

  // Watch the objects; note when each first shows the phase asked for.
  const seen = new Map<string, { lagMs: number; sinceFaultMs: number }>();
  let want = '';
  let faultAt = 0;
  const kc = new KubeConfig();
  kc.loadFromFile(control.kubeconfig);
  kc.setCurrentContext(control.context);
  const request = await new Watch(kc).watch(
    `/apis/ksit.io/v1alpha1/namespaces/${ns}/integrations`,
    {},
    (_type: string, cr: CR) => {
      const entry = cr.status?.clusters?.[0];
      if (!want || entry?.phase !== want || seen.has(cr.metadata.name) || !entry.lastTransitionTime) return;
      const now = Date.now();
      seen.set(cr.metadata.name, { lagMs: now - Date.parse(entry.lastTransitionTime), sinceFaultMs: now - faultAt });
    },
    (err: unknown) => {
      if (err) log(`watch ended: ${String(err)}`);
    },
  );
  stopWatch = () => request.abort();
  await sleep(2_000);

  const load = new LoadWindow();
  const affected = Math.ceil(n / SHARED);
  const measure = async (phase: string, fault: 'notready' | 'clear') => {
    seen.clear();
    want = phase;
    faultAt = Date.now();
    await injectFault('cluster-1', benchNamespace(0), 'deployment/app', fault);
    const deadline = Date.now() + 180_000;
    while (seen.size < affected && Date.now() < deadline) await sleep(500);
    const lags = [...seen.values()].map((s) => s.lagMs);
    const total = [...seen.values()].map((s) => s.sinceFaultMs);
    return {
      phase,
      objects: seen.size,
      of: affected,
      lagMs: { p50: round(percentile(lags, 50)), p95: round(percentile(lags, 95)), max: round(Math.max(...lags)) },
      sinceFaultMs: { p50: round(percentile(total, 50)), max: round(Math.max(...total)) },
    };
  };
  const degraded = await measure('Degraded', 'notready');
  await sleep(5_000);
  const running = await measure('Running', 'clear');

  const row = {
    key: `${n}`,
    integrations: n,
    at: new Date().toISOString(),
    rampSeconds,
    degraded,
    running,
    load: load.finish(0),
  };
  const file = writeResults('frontdoor', { machine: machineInfo() }, [row]);
  printTable(
    `Front door: phase change -> object status, ${n} Integrations (${affected} change)`,
    ['change', 'objects', 'lag p50 / p95 / max (ms)', 'fault -> status p50 / max (ms)', 'ramp to Ready (s)', 'load'],
    [degraded, running].map((m) => [
      m.phase,
      `${m.objects}/${m.of}`,
      `${m.lagMs.p50} / ${m.lagMs.p95} / ${m.lagMs.max}`,
      `${m.sinceFaultMs.p50} / ${m.sinceFaultMs.max}`,
      rampSeconds,
      row.load.loadavg1,
    ]),
  );
  log(`wrote ${file}`);
} finally {
  stopWatch?.();
  await controller.stop();
  await terminateRun(client, taskQueue);
  // The controller is gone: drop the finalizers so that the namespace can go.
  for (const kind of ['integrations', 'integrationtargets']) await dropFinalizers(kind, ns).catch(() => undefined);
  await kubectl(['delete', 'namespace', ns, '--wait=false']).catch(() => undefined);
  await worker.stop();
  await client.connection.close();
}
process.exit(0);
