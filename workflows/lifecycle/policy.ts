// The lifecycle's fixed timings. Pure constants and helpers: the decision and the loop share them.
import type { IntegrationSpec } from '../../shared/types.js';

/** How long one health watch may run before it reports back even if nothing changed: a liveness mark. */
export const MAX_WATCH_MS = 60 * 60 * 1000;
/** How often a Failed cluster is looked at again (RBAC granted, tool installed by hand, ...). */
export const FAILED_RECHECK_MS = 5 * 60 * 1000;
/** Transitions kept in the status (the full story is the workflow history). */
export const KEEP_TRANSITIONS = 20;
/** Continue-as-new well before Temporal's own suggestion, to keep each run's history small and fast to replay. */
export const MAX_HISTORY_EVENTS = 2_000;

/** How long health checks must keep failing before the cluster counts as Unreachable: one interval, 10-60 s. */
export function unreachableAfterMs(spec: IntegrationSpec): number {
  return Math.max(10_000, Math.min(spec.healthCheckIntervalMs, 60_000));
}

/** The Helm timeout of the spec's install (manifest installs have none of their own). */
export function installTimeoutMs(spec: IntegrationSpec): number | undefined {
  return spec.install?.method === 'helm' ? spec.install.timeoutMs : undefined;
}
