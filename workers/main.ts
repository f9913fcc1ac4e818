import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { createHelmRunner } from '../activities/helm/helm-runner.js';
import { ClusterClients } from '../activities/kube/cluster-clients.js';
import { controlClusterCore } from '../activities/kube/control-cluster.js';
import { loadWorkerConfig } from './config.js';
import { createLogger } from './logger.js';
import { codecFromEnv } from '../shared/codec/data-converter.js';

// The worker process: polls the task queue, runs the workflows (deterministic) and the activities (all I/O).
const config = loadWorkerConfig();
const log = createLogger(config.LOG_LEVEL);
const { dataConverter, keyIds } = codecFromEnv();
if (keyIds) log.info({ keyIds }, 'payload codec on: history is encrypted');
else log.warn('payload codec off (set KSIT_CODEC_KEY or KSIT_CODEC_KEY_FILE): Helm values are readable in history');

let control: ReturnType<typeof controlClusterCore> | undefined;
const clients = new ClusterClients(() => (control ??= controlClusterCore(config.KSIT_CONTROL_KUBECONFIG)));

const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
const client = new Client({
  connection: await Connection.connect({ address: config.TEMPORAL_ADDRESS }),
  namespace: config.TEMPORAL_NAMESPACE,
  dataConverter,
});
const worker = await Worker.create({
  connection,
  namespace: config.TEMPORAL_NAMESPACE,
  taskQueue: config.KSIT_TASK_QUEUE,
  dataConverter,
  workflowsPath: new URL('../workflows/index.js', import.meta.url).pathname,
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
log.info({ address: config.TEMPORAL_ADDRESS, taskQueue: config.KSIT_TASK_QUEUE }, 'ksit worker started');
await worker.run();
log.info('ksit worker stopped');
await connection.close();
