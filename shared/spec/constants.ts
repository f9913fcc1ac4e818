// The spec's apiVersion and what a spec gets when it leaves a field out. A module of its own (no zod, no YAML) so
// that the CLI's read-only verbs can use them without loading the schema.
export const API_VERSION = 'ksit.io/v1alpha1';

export const DEFAULTS = {
  namespace: 'ksit-system',
  kubeconfigSecretKey: 'kubeconfig',
  healthCheckIntervalMs: 30_000,
  gracePeriodMs: 3 * 60_000,
} as const;
