// Measures how many Temporal history events a healthy monitor costs, on the real local environment:
// one argocd-shaped Integration on cluster-1 with a short interval; counts the lifecycle's history events over a
// steady window and per health check. Run: npm run bench:history -- [seconds] [intervalMs]
import { workflowIds } from '../workflows/definitions.js';
import { startKsit, testChart } from '../test/e2e/helpers/ksit-worker.js';
import { exitWithUsageIfAsked } from './lib/report.js';

const USAGE = 'npm run bench:history -- [seconds=60] [intervalMs=2000]';
exitWithUsageIfAsked(USAGE);

const windowSeconds = Number(process.argv[2] ?? 60);
const intervalMs = Number(process.argv[3] ?? 2_000);

const ksit = await startKsit();
try {
  const target = await ksit.target('cluster-1');
  const spec = ksit.spec('argocd', [target], {
    healthCheckIntervalMs: intervalMs,
    install: testChart(ksit.env, 'argo-cd', '5.51.6', 'argocd'),
  });
  const { until } = await ksit.integration(spec);
  await until('Running', (s) => s.phase === 'Running');
  const lifecycle = ksit.client.workflow.getHandle(workflowIds.cluster(spec.namespace, spec.name, target.name));
  const parent = ksit.client.workflow.getHandle(workflowIds.integration(spec.namespace, spec.name));
  const count = async (h: typeof lifecycle) => (await h.fetchHistory()).events?.length ?? 0;
  const [l0, p0] = [await count(lifecycle), await count(parent)];
  await new Promise((r) => setTimeout(r, windowSeconds * 1000));
  const [l1, p1] = [await count(lifecycle), await count(parent)];
  const checks = Math.floor((windowSeconds * 1000) / intervalMs);
  const rows = [
    ['window', `${windowSeconds} s`],
    ['health checks in window', String(checks)],
    ['lifecycle events in window', String(l1 - l0)],
    ['integration events in window', String(p1 - p0)],
    ['events per health check (lifecycle)', ((l1 - l0) / checks).toFixed(3)],
    ['lifecycle events at Running (install + preflight)', String(l0)],
  ];
  for (const [k, v] of rows) console.log(`${(k ?? '').padEnd(52)} ${v}`);
} finally {
  await ksit.stop();
}
