import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { kubeRequests } from '../activities/kube/pooled-kubeconfig.js';
import { WorkloadWatchCache } from '../activities/kube/watch-cache.js';
import { createHelmRunner } from '../activities/helm/helm-runner.js';
import { HelmSlots } from '../activities/helm/helm-slots.js';
import { ClusterClients } from '../activities/kube/cluster-clients.js';
import { controlClusterCore } from '../activities/kube/control-cluster.js';
import { loadWorkerConfig } from './config.js';
import { startHttpServer, type Readiness } from './http-server.js';
import { createLogger } from './logger.js';
import { redactText } from './redact-text.js';
import { firstLine, StartupError } from '../shared/entry-point.js';
import { sdkLogger } from './sdk-logger.js';
import { credentialPolicy, installPolicy } from './security-settings.js';
import { codecFromEnv } from '../shared/codec/data-converter.js';
import { FleetPhases } from './metrics/fleet-phases.js';
import { RolloutStates } from './metrics/rollout-states.js';
import { PairSeries } from './metrics/pair-series.js';
import { createKsitMetrics } from './metrics/registry.js';
import { freeLoopbackPort, temporalMetricsReader } from './metrics/temporal-metrics.js';
import { temporalConnectionOptions } from './temporal-connection.js';
import { workflowSource } from './workflow-source.js';

// The worker process: polls the task queue, runs the workflows (deterministic) and the activities (all I/O), and
// serves /healthz, /readyz and /metrics.
const config = loadWorkerConfig();
const log = createLogger(config.LOG_LEVEL);
const { dataConverter, keyIds } = codecFromEnv();
if (keyIds) log.info({ keyIds }, 'payload codec on: history is encrypted');
else log.warn('payload codec off (set KSIT_CODEC_KEY or KSIT_CODEC_KEY_FILE): Helm values are readable in history');
const graceMs = config.KSIT_SHUTDOWN_GRACE_SECONDS * 1000;
/** Workflow tasks taken at once; polls never outnumber them. */
const WORKFLOW_TASK_SLOTS = config.KSIT_WORKFLOW_TASK_SLOTS;

// One watch-based workload cache per cluster for all health watches (KSIT_HEALTH_SOURCE=poll: none).
const watches =
  config.KSIT_HEALTH_SOURCE === 'watch'
    ? new WorkloadWatchCache({ clusterWideAt: config.KSIT_WATCH_CLUSTER_WIDE_AT || Infinity })
    : undefined;
const metrics = createKsitMetrics({
  processMetrics: true,
  kubeRequests: () => kubeRequests.total,
  healthWatches: () => {
    const s = watches?.stats();
    return { fresh: s?.fresh ?? 0, stale: (s?.informers ?? 0) - (s?.fresh ?? 0) };
  },
});
metrics.workerInfo.set({ version: packageVersion(), task_queue: config.KSIT_TASK_QUEUE }, 1);
const series = new PairSeries(metrics);

// The SDK's runtime metrics are exported by Core on a loopback port of their own and appended to our /metrics.
const temporalMetricsPort = await freeLoopbackPort();
const runtime = Runtime.install({
  logger: sdkLogger(log),
  telemetryOptions: { metrics: { prometheus: { bindAddress: `127.0.0.1:${temporalMetricsPort}` } } },
});

// The Runtime turns SIGTERM/SIGINT into worker.shutdown(): polling stops and running activities get the grace
// period. Health watches would use all of it (they run for up to an hour), so they hear of it at once through this
// signal and hand their work to another worker.
const shuttingDown = new AbortController();
for (const signal of runtime.options.shutdownSignals) {
  process.once(signal, () => {
    log.info({ signal, graceSeconds: config.KSIT_SHUTDOWN_GRACE_SECONDS }, 'shutting down');
    shuttingDown.abort();
  });
}

// Set once the worker exists; the HTTP endpoint answers (not ready) before that.
const started: { worker?: Worker } = {};
function readiness(): Readiness {
  const { worker } = started;
  const state = worker?.getState();
  if (shuttingDown.signal.aborted) return { ready: false, reason: `shutting down (worker ${state ?? 'not started'})` };
  if (!worker) return { ready: false, reason: 'starting: connecting to Temporal' };
  if (state !== 'RUNNING') return { ready: false, reason: `worker is ${state}` };
  return { ready: true, reason: `polling task queue ${config.KSIT_TASK_QUEUE}` };
}

const http = await startHttpServer({
  host: config.KSIT_HTTP_HOST,
  port: config.KSIT_HTTP_PORT,
  registry: metrics.registry,
  readiness,
  extraMetrics: temporalMetricsReader(temporalMetricsPort, log),
  log,
});

let control: ReturnType<typeof controlClusterCore> | undefined;
// The worker's own secrets (codec key, Temporal client key, control kubeconfig) are never a target's kubeconfig.
const policy = credentialPolicy(config, [
  config.KSIT_CODEC_KEY_FILE,
  config.TEMPORAL_TLS_CLIENT_KEY_PATH,
  config.TEMPORAL_TLS_CLIENT_CERT_PATH,
  config.KSIT_CONTROL_KUBECONFIG,
]);
const clients = new ClusterClients(
  () => (control ??= controlClusterCore(config.KSIT_CONTROL_KUBECONFIG)),
  undefined,
  undefined,
  policy,
);

// A server that is not there or settings that do not fit it are the user's to fix: one line (see entry-point.ts).
const unreachable = (err: unknown): never => {
  throw new StartupError(
    `cannot connect to Temporal at ${config.TEMPORAL_ADDRESS} (${firstLine(err)}); start it ` +
      '(`deploy/local/env.sh up` for a local one) or set TEMPORAL_ADDRESS',
  );
};
const temporal = await temporalConnectionOptions(config).catch((err: unknown) => {
  throw new StartupError(`Temporal connection settings: ${firstLine(err)}`, 2);
});
const connection = await NativeConnection.connect(temporal).catch(unreachable);
const client = new Client({
  connection: await Connection.connect(temporal).catch(unreachable),
  namespace: config.TEMPORAL_NAMESPACE,
  dataConverter,
});
const worker = (started.worker = await Worker.create({
  connection,
  namespace: config.TEMPORAL_NAMESPACE,
  taskQueue: config.KSIT_TASK_QUEUE,
  dataConverter,
  ...workflowSource(config.KSIT_WORKFLOW_BUNDLE),
  activities: createActivities({
    clients,
    helm: createHelmRunner(config.KSIT_HELM_BINARY, config.KSIT_HELM_HOME),
    helmSlots: new HelmSlots(config.KSIT_MAX_HELM_PROCESSES),
    installPolicy: installPolicy(config),
    temporal: client,
    onCheck: (e) => {
      series.onCheck(e);
      // One line per check at debug level: what an operator needs to see a slow monitor, and what the
      // benchmarks read to compute check lag (scheduledAt vs the line's time).
      log.debug(
        {
          namespace: e.pair?.namespace,
          integration: e.pair?.integration,
          target: e.pair?.cluster,
          cluster: e.cluster,
          healthy: e.healthy,
          reachable: e.reachable,
          scheduledAt: e.scheduledAt,
          ms: e.durationMs,
        },
        'health check',
      );
    },
    onInstall: (e) => {
      series.onInstall(e);
      const fields = {
        namespace: e.pair?.namespace,
        integration: e.pair?.integration,
        target: e.pair?.cluster,
        cluster: e.cluster,
        method: e.method,
        ok: e.ok,
        ms: e.durationMs,
      };
      if (e.ok) log.info(fields, 'install');
      // The failure's own text says why (Helm's last words, the API's message), with anything secret-like masked.
      else
        log.warn({ ...fields, errorType: e.error?.type, error: redactText(e.error?.message ?? '') }, 'install failed');
    },
    onPair: series.onPair,
    workerShutdown: shuttingDown.signal,
    watches,
  }),
  maxConcurrentActivityTaskExecutions: config.KSIT_MAX_ACTIVITIES,
  maxCachedWorkflows: config.KSIT_MAX_CACHED_WORKFLOWS,
  ...(config.KSIT_WORKFLOW_POLLERS === 'autoscaling'
    ? { workflowTaskPollerBehavior: { type: 'autoscaling', minimum: 2, initial: 10, maximum: WORKFLOW_TASK_SLOTS } }
    : {}),
  maxConcurrentWorkflowTaskExecutions: WORKFLOW_TASK_SLOTS,
  // A health watch heartbeats each check's result (describe and get read it: a status is never older than one
  // interval). The SDK would hold heartbeats back for up to 60 s; 8 s keeps the delay under the shortest interval
  // (10 s) and sets the heartbeat rate of a resting fleet (workflows/activity-proxies.ts).
  maxHeartbeatThrottleInterval: '8 seconds',
  // After the grace period the SDK cancels what still runs; a cancelled attempt counts as failed, so the server
  // retries it on another worker at once. The force time bounds a shutdown that hangs anyway.
  shutdownGraceTime: graceMs,
  shutdownForceTime: graceMs + 15_000,
}));

// Pairs waiting on a timer (Failed, Paused) run no activity, so no worker's pair series show them; visibility does.
const stopFleetPhases = new FleetPhases(client, config.KSIT_TASK_QUEUE, metrics.fleetPhase, log).start();
const stopRolloutStates = new RolloutStates(client, config.KSIT_TASK_QUEUE, metrics.rolloutState, log).start();

log.info(
  {
    address: config.TEMPORAL_ADDRESS,
    tls: !!temporal.tls,
    taskQueue: config.KSIT_TASK_QUEUE,
    bundle: config.KSIT_WORKFLOW_BUNDLE,
    httpPort: http.port,
  },
  'ksit worker started',
);
let exitCode = 0;
try {
  await worker.run();
  log.info('ksit worker stopped');
} catch (err) {
  log.error({ err }, 'ksit worker failed');
  exitCode = 1;
}
stopFleetPhases();
watches?.close();
stopRolloutStates();
await http.close();
await connection.close().catch(() => undefined);
await client.connection.close().catch(() => undefined);
process.exit(exitCode);

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
