import { z } from 'zod';
import { DEFAULT_HELM_PROCESSES } from '../activities/helm/helm-slots.js';
import { StartupError } from '../shared/entry-point.js';
import { securitySettingsShape } from './security-settings.js';

// Worker configuration comes from the environment only, validated at start so a typo fails fast and says where.
const schema = z.object({
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  // Temporal connection security, under the names of Temporal's own environment configuration (the CLI's too).
  /** Sent as `Authorization: Bearer ...` (e.g. Temporal Cloud API keys); turns TLS on unless TEMPORAL_TLS=false. */
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  /** TLS to the frontend without client certificates; implied by any TLS setting below or by an API key. */
  TEMPORAL_TLS: z.stringbool().optional(),
  /** mTLS: the client certificate and key, PEM files (a mounted Secret); both or neither. */
  TEMPORAL_TLS_CLIENT_CERT_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_CLIENT_KEY_PATH: z.string().min(1).optional(),
  /** CA bundle that signed the server's certificate, when the system's roots do not. */
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: z.string().min(1).optional(),
  /** Overrides the name the server's certificate is checked against (SNI), e.g. behind a proxy. */
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  /** A workflow bundle prebuilt by workers/bundle-workflows.ts (the image has one); unset: bundle at start. */
  KSIT_WORKFLOW_BUNDLE: z.string().min(1).optional(),
  KSIT_TASK_QUEUE: z.string().default('ksit'),
  /** Kubeconfig of the control cluster holding the targets' kubeconfig Secrets; in a pod, the service account. */
  KSIT_CONTROL_KUBECONFIG: z.string().optional(),
  KSIT_HELM_BINARY: z.string().default('helm'),
  KSIT_HELM_HOME: z.string().optional(),
  /** Health watches are long-running activities: one slot per monitored (integration, cluster) pair. */
  KSIT_MAX_ACTIVITIES: z.coerce.number().int().positive().default(2_000),
  /** Helm installs/uninstalls this worker runs at once (each a Helm process of 100-200 MB); more wait their turn. */
  KSIT_MAX_HELM_PROCESSES: z.coerce
    .number({ error: 'must be a whole number of Helm processes' })
    .int('must be a whole number')
    .min(1, 'must be 1 or more')
    .default(DEFAULT_HELM_PROCESSES),
  /**
   * Workflows kept in memory between their tasks (the SDK's sticky cache). A monitor's workflows wake only when
   * something changes, so an evicted one costs a replay of its short history then. Set here rather than left to
   * the SDK, whose default grows with the machine's heap limit (about 2,300 workflows on a 24 GiB machine, ~180
   * in a 1 GiB container): the worker's memory should not depend on where it runs. 100 rather than 300: at 1,000
   * monitors it took RSS from 435 to 370 MiB with every check still on time. See BENCHMARKS.md, memory.
   */
  KSIT_MAX_CACHED_WORKFLOWS: z.coerce
    .number({ error: 'must be a whole number of workflows' })
    .int('must be a whole number')
    .min(0, 'must be 0 (no cache) or more')
    .default(100),
  /**
   * `watch` (default): one watch-based cache per cluster feeds every health watch, so changes are seen at once and
   * checks read memory; `poll`: every check reads the API (what ksit did before; kept for comparison, bench:detection).
   */
  KSIT_HEALTH_SOURCE: z.enum(['watch', 'poll']).default('watch'),
  /**
   * From how many namespaces of one workload kind in one cluster on the watch cache holds one cluster-wide watch
   * instead of one per namespace (each its own connection and buffers). 0: never cluster-wide.
   */
  KSIT_WATCH_CLUSTER_WIDE_AT: z.coerce
    .number({ error: 'must be a whole number of namespaces' })
    .int('must be a whole number')
    .min(0, 'must be 0 (never cluster-wide) or more')
    .default(20),
  /**
   * How many workflow task polls the worker keeps open. `autoscaling` (default): as many as the server's feedback
   * asks for, up to the workflow task slots; `fixed`: the SDK's 10, only 2 of them for the tasks of new and evicted
   * workflows (BENCHMARKS.md, ramp: at 1,000 monitors those 2 left tasks waiting for minutes while slots sat idle).
   */
  KSIT_WORKFLOW_POLLERS: z.enum(['autoscaling', 'fixed']).default('autoscaling'),
  /**
   * Workflow tasks (queries of uncached workflows included) this worker takes at once. They all run on one workflow
   * thread, so a task taken waits behind the others; too many and the last ones pass the server's 10 s workflow task
   * timeout, and each retry replays the whole history again. Tasks not taken wait on the server instead.
   */
  KSIT_WORKFLOW_TASK_SLOTS: z.coerce
    .number({ error: 'must be a whole number of workflow tasks' })
    .int('must be a whole number')
    .min(2, 'must be 2 or more (one for sticky, one for new workflows)')
    .default(40),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error']).default('info'),
  /** /healthz, /readyz and /metrics. 0 picks a free port (logged). */
  KSIT_HTTP_PORT: z.coerce
    .number({ error: 'must be a port number (0 picks a free one)' })
    .int('must be a whole port number')
    .min(0, 'must be 0..65535')
    .max(65_535, 'must be 0..65535')
    .default(9_464),
  KSIT_HTTP_HOST: z.string().min(1).default('0.0.0.0'),
  /** On SIGTERM/SIGINT: how long running activities (installs, checks) may take to finish before they are cancelled. */
  KSIT_SHUTDOWN_GRACE_SECONDS: z.coerce
    .number({ error: 'must be a number of seconds' })
    .min(0, 'must be 0 or more')
    .default(30),
  KSIT_CODEC_KEY_FILE: z.string().min(1).optional(),
  ...securitySettingsShape,
});

export type WorkerConfig = z.infer<typeof schema>;

export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new StartupError(`invalid worker environment: ${problems}`, 2);
  }
  return parsed.data;
}

/** `ksit worker --help`: every setting with its default, from the schema itself (README says what each does). */
export function workerHelp(): string {
  const lines = Object.entries(schema.shape).map(([name, field]) => {
    const fallback = field.safeParse(undefined);
    const value = fallback.success ? fallback.data : undefined;
    const shown = value === undefined || String(value) === '' ? 'unset' : `default ${String(value)}`;
    return `  ${name.padEnd(36)} ${shown}`;
  });
  // The codec key is read by the codec module, not this schema (only its file's path is here).
  if (!('KSIT_CODEC_KEY' in schema.shape))
    lines.push(`  ${'KSIT_CODEC_KEY'.padEnd(36)} unset (payload encryption off)`);
  return [
    'usage: ksit worker   (from a clone: npm run worker)',
    '',
    'Polls the task queue and runs the workflows and activities (installs, health checks); serves /healthz,',
    '/readyz and /metrics. Every setting is an environment variable (README.md, "Worker configuration"):',
    ...lines,
    '',
  ].join('\n');
}
