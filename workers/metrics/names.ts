// The names of the metrics the worker exports on /metrics. This file is a contract: the Grafana dashboard and the
// PrometheusRule alerts in deploy/ query these names, and a unit test checks that every name they use is here or
// is one of Temporal's runtime metrics (prefix `temporal_`).

/** Labels: namespace, integration, cluster, type, phase. 1 for the pair's current phase, 0 for the others. */
export const INTEGRATION_PHASE = 'ksit_integration_phase';
/**
 * Labels: namespace, integration, cluster, type, phase. 1 for every pair that is not Running, read from Temporal
 * visibility every 30 s, so it also covers pairs with no activity running (Paused, Failed waiting for a re-check
 * or a new spec). Every worker exports the same series.
 */
export const FLEET_PHASE = 'ksit_fleet_phase';
/** Labels: namespace, integration, cluster, type. 1 healthy, 0 unhealthy or unreachable; absent while unknown. */
export const INTEGRATION_HEALTHY = 'ksit_integration_healthy';
/** Labels: cluster. 1 when the last API call to the cluster answered, 0 when it failed as unreachable. */
export const CLUSTER_REACHABLE = 'ksit_cluster_reachable';
/** Histogram, labels: cluster, result (healthy|unhealthy|unreachable). Time one health check took. */
export const HEALTH_CHECK_DURATION = 'ksit_health_check_duration_seconds';
/** Histogram, labels: cluster. Scheduled-vs-started lag of health checks (how far behind the worker is). */
export const HEALTH_CHECK_LAG = 'ksit_health_check_lag_seconds';
/** Counter, labels: namespace, integration, cluster, method (helm|manifest), result (success|failure). */
export const INSTALLS_TOTAL = 'ksit_installs_total';
/** Histogram, labels: method, result. Wall time of one install attempt. */
export const INSTALL_DURATION = 'ksit_install_duration_seconds';
/** Labels: namespace, integration, cluster, type. Components ready at the latest check (optional ones included). */
export const COMPONENTS_READY = 'ksit_components_ready';
/** Labels: namespace, integration, cluster, type. Components the latest check looked at. */
export const COMPONENTS_TOTAL = 'ksit_components_total';
/** Labels: namespace, integration, cluster, type. Unix time of the latest check that reached the cluster. */
export const LAST_CHECK = 'ksit_last_check_timestamp_seconds';
/** Counter, labels: namespace, integration, cluster. Install attempts that ended because Helm ran out of time. */
export const HELM_TIMEOUTS = 'ksit_helm_timeouts_total';
/** Gauge, labels: version, task_queue. Always 1; tells which worker builds are running. */
export const WORKER_INFO = 'ksit_worker_info';
/** Counter. Requests (reads, writes, watch starts) the worker sent to Kubernetes API servers (Helm's excluded). */
export const KUBE_REQUESTS = 'ksit_kube_requests_total';
/** Gauge, labels: state (fresh|stale). Watches of the worker's health cache, one per cluster, namespace and kind. */
export const HEALTH_WATCHES = 'ksit_health_watches';

export const KSIT_METRIC_NAMES = [
  INTEGRATION_PHASE,
  FLEET_PHASE,
  INTEGRATION_HEALTHY,
  CLUSTER_REACHABLE,
  HEALTH_CHECK_DURATION,
  HEALTH_CHECK_LAG,
  INSTALLS_TOTAL,
  INSTALL_DURATION,
  COMPONENTS_READY,
  COMPONENTS_TOTAL,
  LAST_CHECK,
  HELM_TIMEOUTS,
  WORKER_INFO,
  KUBE_REQUESTS,
  HEALTH_WATCHES,
] as const;
