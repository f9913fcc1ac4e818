import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { createHelmRunner } from '../activities/helm/helm-runner.js';
import { ClusterClients } from '../activities/kube/cluster-clients.js';
import { controlClusterCore } from '../activities/kube/control-cluster.js';
import { loadWorkerConfig } from './config.js';
import { createLogger } from './logger.js';
import { temporalConnectionOptions } from './temporal-connection.js';
import { workflowSource } from './workflow-source.js';

// The worker process: polls the task queue, runs the workflows (deterministic) and the activities (all I/O).
const config = loadWorkerConfig();
const log = createLogger(config.LOG_LEVEL);

let control: ReturnType<typeof controlClusterCore> | undefined;
const clients = new ClusterClients(() => (control ??= controlClusterCore(config.KSIT_CONTROL_KUBECONFIG)));

const temporal = await temporalConnectionOptions(config);
const connection = await NativeConnection.connect(temporal);
const client = new Client({
  connection: await Connection.connect(temporal),
  namespace: config.TEMPORAL_NAMESPACE,
});
const worker = await Worker.create({
  connection,
  namespace: config.TEMPORAL_NAMESPACE,
  taskQueue: config.KSIT_TASK_QUEUE,
  ...workflowSource(config.KSIT_WORKFLOW_BUNDLE),
  activities: createActivities({
    clients,
    helm: createHelmRunner(config.KSIT_HELM_BINARY, config.KSIT_HELM_HOME),
    temporal: client,
    onCheck: (e) => log.debug({ cluster: e.cluster, healthy: e.healthy, ms: e.durationMs }, 'health check'),
    onInstall: (e) => log.info({ cluster: e.cluster, method: e.method, ok: e.ok, ms: e.durationMs }, 'install'),
  }),
  maxConcurrentActivityTaskExecutions: config.KSIT_MAX_ACTIVITIES,
});

// SIGTERM/SIGINT: the SDK stops polling and lets in-flight activities finish or hand back (heartbeat timeout).
log.info(
  {
    address: config.TEMPORAL_ADDRESS,
    tls: !!temporal.tls,
    taskQueue: config.KSIT_TASK_QUEUE,
    bundle: config.KSIT_WORKFLOW_BUNDLE,
  },
  'ksit worker started',
);
await worker.run();
log.info('ksit worker stopped');
await connection.close();
