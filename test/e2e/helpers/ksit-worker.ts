// A real ksit worker inside the test process (real activities: Helm, kube clients) on its own task queue, with
// helpers to register targets and start Integrations the way `ksit apply` does, and to wait on their status.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { randomUUID } from 'node:crypto';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, makeTelemetryFilterString, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../../../activities/index.js';
import { createHelmRunner } from '../../../activities/helm/helm-runner.js';
import { ClusterClients } from '../../../activities/kube/cluster-clients.js';
import { WorkloadWatchCache } from '../../../activities/kube/watch-cache.js';
import { controlClusterCore } from '../../../activities/kube/control-cluster.js';
import { STRICT_CREDENTIALS, type CredentialPolicy } from '../../../activities/kube/credential-policy.js';
import type { InstallPolicy } from '../../../activities/install-policy.js';
import { codecFromEnv } from '../../../shared/codec/data-converter.js';
import { TOOLS } from '../../../shared/tools/registry.js';
import type {
  CredentialRef,
  HelmInstall,
  IntegrationSpec,
  IntegrationStatus,
  TargetSpec,
  ToolId,
} from '../../../shared/types.js';
import { integrationStatusQuery, workflowIds } from '../../../workflows/definitions.js';
import type { integrationWorkflow } from '../../../workflows/integration-workflow.js';
import { loadEnvironment, type LocalEnvironment, repoRoot, waitFor } from '../env/environment.js';

export interface KsitHarness {
  env: LocalEnvironment;
  client: Client;
  run: string;
  taskQueue: string;
  target(cluster: string, credentials?: CredentialRef, name?: string): Promise<TargetSpec>;
  integration(spec: IntegrationSpec): Promise<IntegrationHandle>;
  spec(type: ToolId, clusters: TargetSpec[], overrides?: Partial<IntegrationSpec>): IntegrationSpec;
  /** The real CLI (dist/client/cli.js) against this harness's Temporal and task queue; never rejects. */
  cli(args: string[], env?: Record<string, string>): ResultPromise<{ reject: false; env: Record<string, string> }>;
  stop(): Promise<void>;
}

export interface IntegrationHandle {
  handle: WorkflowHandle<typeof integrationWorkflow>;
  until(what: string, pred: (s: IntegrationStatus) => boolean, timeoutMs?: number): Promise<IntegrationStatus>;
}

export interface KsitOptions {
  /** Kubeconfig of the cluster playing the control cluster (holds kubeconfig Secrets). */
  controlKubeconfig?: string;
  /** How often cached credentials are re-read (default 30 s). */
  credentialRecheckMs?: number;
  /** Where the payload codec's key comes from (KSIT_CODEC_KEY / _FILE); default this process's environment. */
  codecEnv?: NodeJS.ProcessEnv;
  /** What target credentials may be (default: the local clusters' kubeconfig directory, nothing loosened). */
  credentialPolicy?: CredentialPolicy;
  /** What install sources may be (default localInstalls). */
  installPolicy?: InstallPolicy;
  /** false: run no worker in this process; the test starts worker processes on `taskQueue` (worker-process.ts). */
  inProcessWorker?: boolean;
}

export async function startKsit(options: KsitOptions = {}): Promise<KsitHarness> {
  const env = loadEnvironment();
  const run = randomUUID().slice(0, 8);
  const taskQueue = `e2e-${run}`;
  try {
    Runtime.install({
      logger: new DefaultLogger('ERROR'),
      telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR', other: 'ERROR' }) } },
    });
  } catch {
    // installed by another test file in this jest worker
  }
  let control: ReturnType<typeof controlClusterCore> | undefined;
  const watches = new WorkloadWatchCache();
  const { dataConverter } = codecFromEnv(options.codecEnv);
  const client = new Client({
    connection: await Connection.connect({ address: env.temporalAddress }),
    namespace: env.temporalNamespace,
    dataConverter,
  });
  const worker =
    options.inProcessWorker === false
      ? undefined
      : await Worker.create({
          connection: await NativeConnection.connect({ address: env.temporalAddress }),
          namespace: env.temporalNamespace,
          taskQueue,
          dataConverter,
          workflowsPath: new URL('../../../workflows/index.js', import.meta.url).pathname,
          activities: createActivities({
            clients: new ClusterClients(
              () => {
                if (!options.controlKubeconfig)
                  throw new Error('this test has no control cluster for kubeconfig Secrets');
                return (control ??= controlClusterCore(options.controlKubeconfig));
              },
              options.credentialRecheckMs,
              undefined,
              options.credentialPolicy ?? localCredentialPolicy(env),
            ),
            helm: createHelmRunner(`${env.binDir}/helm`, `${env.ksitHome}/helm-${run}`),
            installPolicy: options.installPolicy ?? localInstalls(env),
            temporal: client,
            // As the worker process does by default (KSIT_HEALTH_SOURCE=watch).
            watches,
          }),
          maxHeartbeatThrottleInterval: '2s',
        });
  const running = worker?.run();
  const started: string[] = [];

  return {
    env,
    client,
    run,
    taskQueue,
    async target(cluster, credentials, name) {
      const c = env.clusters.find((x) => x.name === cluster);
      if (!c) throw new Error(`no local cluster ${cluster}`);
      const target: TargetSpec = {
        name: name ?? `${cluster}-${run}`,
        namespace: 'ksit-system',
        clusterName: cluster,
        labels: { run },
        credentials: credentials ?? { kind: 'file', path: c.kubeconfig, context: c.context },
      };
      const workflowId = workflowIds.target(target.namespace, target.name);
      await client.workflow.start('targetWorkflow', { taskQueue, workflowId, args: [{ target }], memo: { target } });
      started.push(workflowId);
      return target;
    },
    spec(type, clusters, overrides = {}) {
      return {
        name: `${type}-${run}`,
        namespace: 'ksit-system',
        type,
        enabled: true,
        targetClusters: clusters.map((t) => t.name),
        toolNamespace: `${type}-${run}`,
        healthCheckIntervalMs: 2_000,
        gracePeriodMs: 20_000,
        components: TOOLS[type].components,
        remediation: {},
        ...overrides,
      };
    },
    async integration(spec) {
      const workflowId = workflowIds.integration(spec.namespace, spec.name);
      const handle = await client.workflow.start<typeof integrationWorkflow>('integrationWorkflow', {
        taskQueue,
        workflowId,
        args: [{ spec }],
      });
      started.push(workflowId);
      for (const cluster of spec.targetClusters) started.push(workflowIds.cluster(spec.namespace, spec.name, cluster));
      const until = async (what: string, pred: (s: IntegrationStatus) => boolean, timeoutMs = 180_000) => {
        let last: IntegrationStatus | undefined;
        try {
          return await waitFor(
            what,
            async () => {
              last = await handle.query(integrationStatusQuery);
              return pred(last) ? last : undefined;
            },
            { timeoutMs, intervalMs: 1_000 },
          );
        } catch (err) {
          throw new Error(`${(err as Error).message}\nlast status: ${JSON.stringify(last, null, 1)}`);
        }
      };
      return { handle, until };
    },
    cli(args, extraEnv = {}) {
      return execa(process.execPath, [join(repoRoot, 'dist/client/cli.js'), ...args], {
        reject: false,
        env: { TEMPORAL_ADDRESS: env.temporalAddress, KSIT_TASK_QUEUE: taskQueue, NO_COLOR: '1', ...extraEnv },
      });
    },
    async stop() {
      for (const id of started)
        await client.workflow
          .getHandle(id)
          .terminate('test over')
          .catch(() => undefined);
      worker?.shutdown();
      await running;
      watches.close();
      await client.connection.close();
    },
  };
}

/** A Helm install of one of the project's test charts from the loopback repository. */
export function testChart(
  env: LocalEnvironment,
  chart: string,
  version: string,
  releaseName: string,
  values: Record<string, unknown> = {},
): HelmInstall {
  return {
    method: 'helm',
    chart: { repository: env.chartRepoUrl, chart, version },
    releaseName,
    values,
    setValues: [],
    timeoutMs: 120_000,
  };
}

export function clusterOf(s: IntegrationStatus, target: TargetSpec) {
  return s.clusters.find((c) => c.cluster === target.name);
}

/**
 * The policy of a worker for the local environment: targets may use the local clusters' kubeconfig files, and the
 * files tests write into the temp directory (the operator's choice here, as KSIT_KUBECONFIG_DIRS is in production).
 */
export function localCredentialPolicy(env: LocalEnvironment): CredentialPolicy {
  return { ...STRICT_CREDENTIALS, kubeconfigDirs: [`${env.ksitHome}/kubeconfigs`, tmpdir()] };
}

/** Tests write manifests under $KSIT_HOME, and the local environment serves others from a loopback http server. */
export function localInstalls(env: LocalEnvironment): InstallPolicy {
  return { allowHttpRepositories: false, sourceDirs: [env.ksitHome], allowPrivateManifestHosts: true };
}
