// The controller's settings, from the environment only, checked at start (a bad value names the variable). The
// Temporal connection is the CLI's (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TLS, API key, profile; KSIT_TASK_QUEUE).
import { hostname } from 'node:os';
import { z } from 'zod';
import { StartupError } from '../shared/entry-point.js';

const schema = z.object({
  /** Kubeconfig of the control cluster (where the Integration objects live); in a pod, its service account. */
  KSIT_CONTROL_KUBECONFIG: z.string().min(1).optional(),
  /** This replica's name in the Lease; the pod name in the chart. */
  KSIT_CONTROLLER_ID: z.string().min(1).default(`${hostname()}-${process.pid}`),
  KSIT_LEASE_NAMESPACE: z.string().min(1).default('ksit-system'),
  KSIT_LEASE_NAME: z.string().min(1).default('ksit-controller'),
  KSIT_LEASE_SECONDS: z.coerce.number().int().min(2, 'must be 2 or more').default(15),
  /** How often the status of every object is compared with its workflow (one visibility list per kind). */
  KSIT_STATUS_EVERY_MS: z.coerce.number().int().min(100, 'must be 100 or more').default(2_000),
  KSIT_CONTROLLER_HTTP_PORT: z.coerce.number().int().min(0).max(65_535).default(9_465),
  KSIT_CONTROLLER_HTTP_HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error']).default('info'),
});

export type ControllerConfig = z.infer<typeof schema>;

export function loadControllerConfig(env: NodeJS.ProcessEnv = process.env): ControllerConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new StartupError(`invalid controller environment: ${problems}`, 2);
  }
  return parsed.data;
}

/** `ksit controller --help`: the settings, from the schema itself. */
export function controllerHelp(): string {
  return [
    'usage: ksit controller   (from a clone: npm run controller)',
    '',
    'Watches Integration and IntegrationTarget objects on the control cluster, starts or updates their workflows and',
    "writes their status back; replicas share a Lease. Settings are environment variables, with the CLI's Temporal",
    'connection (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TLS, API key, profile; KSIT_TASK_QUEUE):',
    ...Object.keys(schema.shape).map((name) => `  ${name}`),
    '',
  ].join('\n');
}
