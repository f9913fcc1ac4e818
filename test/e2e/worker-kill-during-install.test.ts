// SIGKILL the worker process (and its Helm child) in the middle of a Helm install, start a new worker, and the
// Integration still ends Running with one healthy release: the release left in pending-install is recovered.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { Client, Connection } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { TOOLS } from '../../shared/tools/registry.js';
import type { IntegrationSpec, IntegrationStatus, TargetSpec } from '../../shared/types.js';
import { integrationStatusQuery, workflowIds } from '../../workflows/definitions.js';
import { kubeClient, loadEnvironment, waitFor, type LocalEnvironment } from './env/environment.js';
import { testChart } from './helpers/ksit-worker.js';
import { startWorkerProcess, type WorkerProcess } from './helpers/worker-process.js';

const run = randomUUID().slice(0, 8);
const taskQueue = `e2e-kill-${run}`;
let env: LocalEnvironment;
let client: Client;
let worker: WorkerProcess | undefined;
const started: string[] = [];
let workerLog = '';
const tail = (file: string) => {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-30).join('\n');
  } catch {
    return '(no log)';
  }
};

beforeAll(async () => {
  env = loadEnvironment();
  workerLog = join(env.ksitHome, `worker-kill-${run}.log`);
  client = new Client({ connection: await Connection.connect({ address: env.temporalAddress }) });
});
afterAll(async () => {
  for (const id of started)
    await client.workflow
      .getHandle(id)
      .terminate('test over')
      .catch(() => undefined);
  worker?.kill();
});

test('a worker killed mid-install is replaced and the install ends Running with no pending release', async () => {
  const cluster = env.clusters[0]!;
  const target: TargetSpec = {
    name: `kill-${run}`,
    namespace: 'ksit-system',
    clusterName: cluster.name,
    labels: {},
    credentials: { kind: 'file', path: cluster.kubeconfig, context: cluster.context },
  };
  const namespace = `argocd-kill-${run}`;
  const spec: IntegrationSpec = {
    name: `kill-${run}`,
    namespace: 'ksit-system',
    type: 'argocd',
    enabled: true,
    targetClusters: [target.name],
    install: testChart(env, 'argo-cd', '5.51.6', 'argocd', { installHookSeconds: 15 }),
    toolNamespace: namespace,
    healthCheckIntervalMs: 2_000,
    gracePeriodMs: 20_000,
    components: TOOLS.argocd.components,
    remediation: {},
  };
  worker = await startWorkerProcess(env, {
    taskQueue,
    helmHome: join(env.ksitHome, `helm-${run}`),
    logFile: workerLog,
  });
  const targetId = workflowIds.target(target.namespace, target.name);
  await client.workflow.start('targetWorkflow', {
    taskQueue,
    workflowId: targetId,
    args: [{ target }],
    memo: { target },
  });
  const handle = await client.workflow.start('integrationWorkflow', {
    taskQueue,
    workflowId: workflowIds.integration(spec.namespace, spec.name),
    args: [{ spec }],
  });
  started.push(targetId, handle.workflowId, workflowIds.cluster(spec.namespace, spec.name, target.name));

  const core = kubeClient(cluster.name).core;
  const releases = async () =>
    (await core.listNamespacedSecret({ namespace, labelSelector: 'owner=helm,name=argocd' })).items.map(
      (s) => s.metadata?.labels?.status,
    );
  await waitFor(
    'release pending-install',
    async () => ((await releases()).includes('pending-install') ? true : undefined),
    {
      timeoutMs: 120_000,
      intervalMs: 200,
    },
  ).catch(async (err: Error) => {
    // Say why: the Integration's own status and the worker's last words.
    const s = await handle.query(integrationStatusQuery).catch((e: Error) => e.message);
    throw new Error(`${err.message}\nstatus: ${JSON.stringify(s)}\nworker log:\n${tail(workerLog)}`);
  });
  worker.kill();
  worker = await startWorkerProcess(env, { taskQueue, helmHome: join(env.ksitHome, `helm-${run}`) });

  const status = await waitFor(
    'Running after the worker was replaced',
    async () => {
      const s: IntegrationStatus = await handle.query(integrationStatusQuery);
      return s.phase === 'Running' ? s : undefined;
    },
    { timeoutMs: 240_000, intervalMs: 1_000 },
  );
  const statuses = await releases();
  expect(statuses.filter((s) => s?.startsWith('pending-'))).toEqual([]);
  expect(statuses.filter((s) => s === 'deployed')).toHaveLength(1);
  const messages = status.clusters[0]?.transitions.map((t) => t.message).join('\n') ?? '';
  expect(messages).toMatch(/stuck in pending-install/);
}, 420_000);
