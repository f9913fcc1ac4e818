// End to end on the real local environment: a real worker (in this process) with the real activities, the
// Temporal dev server, Helm, and two KWOK clusters. An argocd Integration installs from the loopback chart repo,
// reaches Running on both clusters, goes Degraded with the pod's reason when a fault is injected on one, comes
// back, and is deleted with uninstall.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, makeTelemetryFilterString, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities/index.js';
import { createHelmRunner } from '../../activities/helm/helm-runner.js';
import { ClusterClients } from '../../activities/kube/cluster-clients.js';
import { TOOLS } from '../../shared/tools/registry.js';
import type { IntegrationSpec, IntegrationStatus, TargetSpec } from '../../shared/types.js';
import { deleteSignal, integrationStatusQuery, workflowIds } from '../../workflows/definitions.js';
import { injectFault, kubeClient, loadEnvironment, type LocalEnvironment, waitFor } from './env/environment.js';

const run = randomUUID().slice(0, 8);
const taskQueue = `e2e-${run}`;
const namespace = 'ksit-system';
const toolNamespace = `argocd-${run}`;
let env: LocalEnvironment;
let client: Client;
let worker: Worker;
let workerDone: Promise<void>;

beforeAll(async () => {
  env = loadEnvironment();
  try {
    Runtime.install({
      logger: new DefaultLogger('WARN'),
      telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR', other: 'ERROR' }) } },
    });
  } catch {
    // installed by another test file in this jest worker
  }
  client = new Client({ connection: await Connection.connect({ address: env.temporalAddress }), namespace: env.temporalNamespace });
  worker = await Worker.create({
    connection: await NativeConnection.connect({ address: env.temporalAddress }),
    namespace: env.temporalNamespace,
    taskQueue,
    workflowsPath: new URL('../../workflows/index.js', import.meta.url).pathname,
    activities: createActivities({
      clients: new ClusterClients(() => {
        throw new Error('these targets use kubeconfig files, not Secrets');
      }),
      helm: createHelmRunner(`${env.binDir}/helm`, `${env.ksitHome}/helm-${run}`),
      temporal: client,
    }),
  });
  workerDone = worker.run();
}, 120_000);

afterAll(async () => {
  worker?.shutdown();
  await workerDone;
});

function target(cluster: string): TargetSpec {
  const c = env.clusters.find((x) => x.name === cluster);
  if (!c) throw new Error(`no cluster ${cluster}`);
  return {
    name: `${cluster}-${run}`,
    namespace,
    clusterName: cluster,
    labels: { run },
    credentials: { kind: 'file', path: c.kubeconfig, context: c.context },
  };
}

test('argocd installs on two clusters, reports a crash loop on one as Degraded, recovers, and uninstalls', async () => {
  const targets = [target('cluster-1'), target('cluster-2')];
  for (const t of targets) {
    await client.workflow.start('targetWorkflow', {
      taskQueue,
      workflowId: workflowIds.target(t.namespace, t.name),
      args: [{ target: t }],
      memo: { target: t },
    });
  }
  const spec: IntegrationSpec = {
    name: `argocd-${run}`,
    namespace,
    type: 'argocd',
    enabled: true,
    targetClusters: targets.map((t) => t.name),
    install: {
      method: 'helm',
      chart: { repository: env.chartRepoUrl, chart: 'argo-cd', version: '5.51.6' },
      releaseName: 'argocd',
      values: {},
      setValues: [],
      timeoutMs: 120_000,
    },
    toolNamespace,
    healthCheckIntervalMs: 3_000,
    gracePeriodMs: 20_000,
    components: TOOLS.argocd.components,
    remediation: {},
  };
  const handle = await client.workflow.start('integrationWorkflow', {
    taskQueue,
    workflowId: workflowIds.integration(namespace, spec.name),
    args: [{ spec }],
  });
  const status = () => handle.query(integrationStatusQuery);
  const until = (what: string, pred: (s: IntegrationStatus) => boolean, timeoutMs = 180_000) =>
    waitFor(what, async () => {
      const s = await status();
      return pred(s) ? s : undefined;
    }, { timeoutMs, intervalMs: 1_000 });
  const phase = (s: IntegrationStatus, t: TargetSpec) => s.clusters.find((c) => c.cluster === t.name);

  const running = await until('Running on both clusters', (s) => s.phase === 'Running' && s.clusters.length === 2);
  expect(running.clusters.map((c) => c.phase)).toEqual(['Running', 'Running']);

  await injectFault('cluster-1', toolNamespace, 'deployment/argocd-repo-server', 'crashloop');
  const degraded = await until('cluster-1 Degraded', (s) => phase(s, targets[0]!)?.phase === 'Degraded', 60_000);
  expect(phase(degraded, targets[0]!)?.message).toMatch(/argocd-repo-server: 0\/1 ready, CrashLoopBackOff/);
  expect(phase(degraded, targets[1]!)?.phase).toBe('Running');
  expect(degraded.phase).toBe('Degraded');

  await injectFault('cluster-1', toolNamespace, 'deployment/argocd-repo-server', 'clear');
  await until('Running again', (s) => s.phase === 'Running', 120_000);

  await handle.signal(deleteSignal, { uninstall: true });
  await handle.result();
  const apps = kubeClient('cluster-1').apps;
  await waitFor('argocd-server removed', async () => {
    const list = await apps.listNamespacedDeployment({ namespace: toolNamespace });
    return list.items.length === 0 ? true : undefined;
  }, { timeoutMs: 60_000 });
  for (const t of targets) await client.workflow.getHandle(workflowIds.target(t.namespace, t.name)).terminate('test over');
}, 600_000);
