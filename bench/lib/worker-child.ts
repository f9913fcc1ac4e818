// The ksit worker as workers/main.ts builds it (same config, same Worker options, same activities), plus a
// recorder: every health check and install is appended to BENCH_EVENTS_FILE as one tab-separated line, so the
// benchmark can compute check lag and coverage without the worker's metrics. Runs as its own process, so its
// CPU and memory can be read from /proc.
//
//   check  <workflowId> <scheduledAt> <doneAt> <durationMs> <healthy>
//   install <cluster> <startedAt> <doneAt> <ok>
import { createWriteStream } from 'node:fs';
import { Context } from '@temporalio/activity';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, makeTelemetryFilterString, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities/index.js';
import { createHelmRunner } from '../../activities/helm/helm-runner.js';
import { ClusterClients } from '../../activities/kube/cluster-clients.js';
import { controlClusterCore } from '../../activities/kube/control-cluster.js';
import { loadWorkerConfig } from '../../workers/config.js';

const file = process.env.BENCH_EVENTS_FILE;
if (!file) throw new Error('BENCH_EVENTS_FILE is not set');
const events = createWriteStream(file, { flags: 'a' });

const config = loadWorkerConfig();
Runtime.install({
  logger: new DefaultLogger('WARN'),
  telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN', other: 'WARN' }) } },
});

let control: ReturnType<typeof controlClusterCore> | undefined;
const clients = new ClusterClients(() => (control ??= controlClusterCore(config.KSIT_CONTROL_KUBECONFIG)));
const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
const client = new Client({
  connection: await Connection.connect({ address: config.TEMPORAL_ADDRESS }),
  namespace: config.TEMPORAL_NAMESPACE,
});
const worker = await Worker.create({
  connection,
  namespace: config.TEMPORAL_NAMESPACE,
  taskQueue: config.KSIT_TASK_QUEUE,
  workflowsPath: new URL('../../workflows/index.js', import.meta.url).pathname,
  activities: createActivities({
    clients,
    helm: createHelmRunner(config.KSIT_HELM_BINARY, config.KSIT_HELM_HOME),
    temporal: client,
    onCheck: (e) => {
      // The listener runs inside the activity: its workflow id names the monitor (Integration x cluster).
      const monitor = Context.current().info.workflowExecution?.workflowId ?? e.cluster;
      events.write(`check\t${monitor}\t${e.scheduledAt}\t${Date.now()}\t${e.durationMs}\t${e.healthy}\n`);
    },
    onInstall: (e) => {
      const now = Date.now();
      events.write(`install\t${e.cluster}\t${now - e.durationMs}\t${now}\t${e.ok}\n`);
    },
  }),
  maxConcurrentActivityTaskExecutions: config.KSIT_MAX_ACTIVITIES,
});

const stop = () => worker.shutdown();
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
process.send?.('ready');
await worker.run();
await connection.close();
await new Promise<void>((resolve) => events.end(resolve));
// --cpu-prof writes its profile at a normal exit; leftover handles (client connections) must not keep us alive.
process.exit(0);
