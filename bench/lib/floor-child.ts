// The floor: the Kubernetes reads ksit's health checks make, issued by a plain @kubernetes/client-node loop and
// nothing else. One client per cluster (as ksit caches them), one timer loop per monitor, each at the phase the
// ksit monitor had, so that requests overlap as they did under ksit. Runs as its own process so its CPU is
// comparable with the worker's.
//
//   node floor-child.js <plan.json> <result.json>
import { readFileSync, writeFileSync } from 'node:fs';
import {
  AppsV1Api,
  createConfiguration,
  KubeConfig,
  type SecurityAuthentication,
  ServerConfiguration,
} from '@kubernetes/client-node';
import { withTimeout } from '../../activities/kube/request-options.js';

export interface FloorPlan {
  intervalMs: number;
  /** Epoch ms: measure from here... */
  windowStart: number;
  /** ...to here; the process exits after it. */
  windowEnd: number;
  clusters: { name: string; kubeconfig: string; context: string }[];
  /**
   * 'default': client-node as it comes (2.x opens a new TLS connection per request); 'reuse': every request of a
   * cluster goes through the first request's connection pool, as ksit's ClusterClients do since the fix.
   */
  connections: 'default' | 'reuse';
  /** One per monitor: which cluster and namespace it reads, and its phase within the interval (ms). */
  monitors: { id: string; cluster: string; namespace: string; phaseMs: number }[];
}

export interface FloorResult {
  cpuSeconds: number;
  peakRssMiB: number;
  checks: { monitor: string; scheduledAt: number; doneAt: number; durationMs: number; ok: boolean }[];
}

const [planFile, resultFile] = process.argv.slice(2);
if (!planFile || !resultFile) throw new Error('usage: floor-child.js <plan.json> <result.json>');
const plan = JSON.parse(readFileSync(planFile, 'utf8')) as FloorPlan;

const apps = new Map(
  plan.clusters.map((c) => {
    const kc = new KubeConfig();
    kc.loadFromFile(c.kubeconfig);
    kc.setCurrentContext(c.context);
    if (plan.connections === 'default') return [c.name, kc.makeApiClient(AppsV1Api)];
    let pool: ReturnType<Parameters<SecurityAuthentication['applySecurityAuthentication']>[0]['getDispatcher']>;
    const auth: SecurityAuthentication = {
      getName: () => 'kubeconfig, one connection pool',
      async applySecurityAuthentication(ctx) {
        await kc.applySecurityAuthentication(ctx);
        pool ??= ctx.getDispatcher();
        if (pool) ctx.setDispatcher(pool);
      },
    };
    const server = new ServerConfiguration(kc.getCurrentCluster()!.server, {});
    return [c.name, new AppsV1Api(createConfiguration({ baseServer: server, authMethods: { default: auth } }))];
  }),
);

const checks: FloorResult['checks'] = [];
const start = Date.now();
const timers: NodeJS.Timeout[] = [];

for (const m of plan.monitors) {
  const api = apps.get(m.cluster);
  if (!api) throw new Error(`no cluster ${m.cluster}`);
  // First run at the monitor's phase, at least a moment from now (the warm-up before windowStart covers it).
  let next = start + 100 + ((((m.phaseMs - start - 100) % plan.intervalMs) + plan.intervalMs) % plan.intervalMs);
  const tick = async () => {
    const scheduledAt = next;
    const t = Date.now();
    let ok = true;
    try {
      // The same read as activities/health/check-components.ts, with the same per-request deadline.
      await api.listNamespacedDeployment({ namespace: m.namespace }, withTimeout(10_000));
    } catch {
      ok = false;
    }
    const doneAt = Date.now();
    checks.push({ monitor: m.id, scheduledAt, doneAt, durationMs: doneAt - t, ok });
    next = Math.max(doneAt, scheduledAt + plan.intervalMs);
    if (next < plan.windowEnd) timers.push(setTimeout(tick, next - Date.now()));
  };
  timers.push(setTimeout(tick, next - Date.now()));
}

let cpuAtStart: NodeJS.CpuUsage | undefined;
setTimeout(() => (cpuAtStart = process.cpuUsage()), Math.max(0, plan.windowStart - Date.now()));
setTimeout(
  () => {
    const used = process.cpuUsage(cpuAtStart);
    const result: FloorResult = {
      cpuSeconds: (used.user + used.system) / 1e6,
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
      checks,
    };
    writeFileSync(resultFile, JSON.stringify(result));
    for (const t of timers) clearTimeout(t);
    process.exit(0);
  },
  Math.max(0, plan.windowEnd - Date.now()) + 500,
);
