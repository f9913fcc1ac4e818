// A worker process SIGKILLed in the middle of a rollout (the canary wave upgraded and soaking, the next wave not
// started) is replaced, and the rollout goes on from where it was: the soak is kept, the second wave gets the
// new revision once, and no cluster is upgraded twice (Helm's own history on each cluster).
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { execa } from 'execa';
import type { IntegrationSpec, TargetSpec } from '../../shared/types.js';
import { updateSpecUpdate } from '../../workflows/definitions.js';
import { rolloutStatusQuery } from '../../workflows/rollout/definitions.js';
import type { RolloutStatus } from '../../workflows/rollout/status.js';
import { toolEnv, waitFor } from './env/environment.js';
import { startKsit, testChart, type IntegrationHandle, type KsitHarness } from './helpers/ksit-worker.js';
import { startWorkerProcess, type WorkerProcess } from './helpers/worker-process.js';

const CLUSTERS = ['cluster-1', 'cluster-2'];
const SOAK_MS = 30_000;

let ksit: KsitHarness;
let worker: WorkerProcess | undefined;
let t: TargetSpec[];
let spec: (version: string) => IntegrationSpec;

const startWorker = async () =>
  startWorkerProcess(ksit.env, {
    taskQueue: ksit.taskQueue,
    helmHome: join(ksit.env.ksitHome, `helm-${ksit.taskQueue}`),
  });

beforeAll(async () => {
  ksit = await startKsit({ inProcessWorker: false });
  worker = await startWorker();
  t = await Promise.all(CLUSTERS.map((c) => ksit.target(c)));
  spec = (version) =>
    ksit.spec('argocd', t, {
      install: testChart(ksit.env, 'argo-cd', version, 'argocd'),
      gracePeriodMs: 5_000,
      rollout: {
        waves: [{ name: 'canary', clusters: [t[0]!.name], soakMs: SOAK_MS, manualApproval: false }],
        progressDeadlineMs: 120_000,
        onFailure: 'rollback',
      },
    });
}, 300_000);

afterAll(async () => {
  await ksit?.stop();
  await worker?.stop();
}, 120_000);

async function until(integration: IntegrationHandle, what: string, pred: (s: RolloutStatus) => boolean) {
  return waitFor(
    what,
    async () => {
      const s = await integration.handle.query(rolloutStatusQuery).catch(() => null);
      return s && pred(s) ? s : undefined;
    },
    { timeoutMs: 240_000, intervalMs: 500 },
  );
}

const allAt = (s: RolloutStatus, revision: number) =>
  s.clusters.length === t.length && s.clusters.every((c) => c.revision === revision && c.phase === 'Running');

/** The charts of the argocd release's Helm revisions on a cluster, oldest first. */
async function helmCharts(cluster: string): Promise<string[]> {
  const c = ksit.env.clusters.find((x) => x.name === cluster);
  if (!c) throw new Error(`no cluster ${cluster}`);
  const r = await execa(
    'helm',
    [
      ...['history', 'argocd', '-n', spec('x').toolNamespace],
      ...['--kubeconfig', c.kubeconfig, '--kube-context', c.context, '-o', 'json'],
    ],
    { env: toolEnv(ksit.env) },
  );
  return (JSON.parse(r.stdout) as { chart: string }[]).map((x) => x.chart);
}

test('a worker killed while the canary soaks is replaced; the rollout resumes with no second upgrade', async () => {
  const integration = await ksit.integration(spec('5.51.5'));
  await until(integration, 'revision 1 everywhere', (s) => s.state === 'Complete' && allAt(s, 1));
  await integration.handle.executeUpdate(updateSpecUpdate, { args: [spec('5.51.6'), { by: 'e2e' }] });
  const soaking = await until(integration, 'canary soaking', (s) => s.state === 'Soaking');
  const soakSeen = Date.now();
  expect(soaking.clusters.find((c) => c.name === t[1]!.name)?.revision).toBe(1);

  worker?.kill();
  await worker?.exited;
  worker = await startWorker();

  const done = await until(integration, 'revision 2 everywhere', (s) => s.state === 'Complete' && allAt(s, 2));
  expect(done.previousRevision).toBe(1);
  // The soak was kept across the kill (it started before soakSeen, so this bound is conservative by that much).
  expect(Date.now() - soakSeen).toBeGreaterThanOrEqual(SOAK_MS - 5_000);
  for (const cluster of CLUSTERS) {
    expect(await helmCharts(cluster)).toEqual(['argo-cd-5.51.5', 'argo-cd-5.51.6']);
  }
}, 480_000);
