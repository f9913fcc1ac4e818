import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import {
  CLUSTER_REACHABLE,
  COMPONENTS_READY,
  COMPONENTS_TOTAL,
  HELM_TIMEOUTS,
  LAST_CHECK,
  FLEET_PHASE,
  HEALTH_CHECK_DURATION,
  HEALTH_CHECK_LAG,
  INSTALL_DURATION,
  INSTALLS_TOTAL,
  INTEGRATION_HEALTHY,
  INTEGRATION_PHASE,
  WORKER_INFO,
  KUBE_REQUESTS,
  HEALTH_WATCHES,
} from './names.js';

const PAIR_LABELS = ['namespace', 'integration', 'cluster', 'type'] as const;

/** ksit's own metrics, in a registry of their own (not prom-client's global one) so tests can make fresh ones. */
export function createKsitMetrics(
  options: {
    processMetrics?: boolean;
    /** Read at each scrape: requests sent to Kubernetes API servers so far. */
    kubeRequests?: () => number;
    /** Read at each scrape: the health cache's watches. */
    healthWatches?: () => { fresh: number; stale: number };
  } = {},
) {
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    integrationPhase: new Gauge({
      name: INTEGRATION_PHASE,
      help: 'Phase of an Integration on a cluster: 1 for the current phase, 0 for the others',
      labelNames: [...PAIR_LABELS, 'phase'],
      registers,
    }),
    fleetPhase: new Gauge({
      name: FLEET_PHASE,
      help: 'Integration x cluster pairs that are not Running, from Temporal visibility (same on every worker)',
      labelNames: [...PAIR_LABELS, 'phase'],
      registers,
    }),
    integrationHealthy: new Gauge({
      name: INTEGRATION_HEALTHY,
      help: 'Whether the last health check of an Integration on a cluster found it healthy (0 also when unreachable)',
      labelNames: PAIR_LABELS,
      registers,
    }),
    clusterReachable: new Gauge({
      name: CLUSTER_REACHABLE,
      help: 'Whether the last health-check API call to the cluster answered',
      labelNames: ['cluster'],
      registers,
    }),
    healthCheckDuration: new Histogram({
      name: HEALTH_CHECK_DURATION,
      help: 'Time one health check took',
      labelNames: ['cluster', 'result'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    healthCheckLag: new Histogram({
      name: HEALTH_CHECK_LAG,
      help: 'How late a health check started compared with when it was due',
      labelNames: ['cluster'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60],
      registers,
    }),
    installsTotal: new Counter({
      name: INSTALLS_TOTAL,
      help: 'Install attempts of an Integration on a cluster',
      labelNames: ['namespace', 'integration', 'cluster', 'method', 'result'],
      registers,
    }),
    installDuration: new Histogram({
      name: INSTALL_DURATION,
      help: 'Wall time of one install attempt',
      labelNames: ['method', 'result'],
      buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1200],
      registers,
    }),
    kubeRequests: new Counter({
      name: KUBE_REQUESTS,
      help: 'Requests (reads, writes, watch starts) sent to Kubernetes API servers, Helm excluded',
      registers,
      collect() {
        if (!options.kubeRequests) return;
        this.reset();
        this.inc(options.kubeRequests());
      },
    }),
    healthWatches: new Gauge({
      name: HEALTH_WATCHES,
      help: 'Watches of the health cache (one per cluster, namespace and kind), fresh or stale',
      labelNames: ['state'],
      registers,
      collect() {
        const w = options.healthWatches?.();
        if (!w) return;
        this.set({ state: 'fresh' }, w.fresh);
        this.set({ state: 'stale' }, w.stale);
      },
    }),
    componentsReady: new Gauge({
      name: COMPONENTS_READY,
      help: 'Components of an Integration on a cluster that were ready at the latest check (optional ones too)',
      labelNames: PAIR_LABELS,
      registers,
    }),
    componentsTotal: new Gauge({
      name: COMPONENTS_TOTAL,
      help: 'Components of an Integration on a cluster that the latest check looked at',
      labelNames: PAIR_LABELS,
      registers,
    }),
    lastCheck: new Gauge({
      name: LAST_CHECK,
      help: 'Unix time of the latest health check of an Integration on a cluster that reached the cluster',
      labelNames: PAIR_LABELS,
      registers,
    }),
    helmTimeouts: new Counter({
      name: HELM_TIMEOUTS,
      help: 'Install attempts that ended because Helm ran out of its timeout',
      labelNames: ['namespace', 'integration', 'cluster'],
      registers,
    }),
    workerInfo: new Gauge({
      name: WORKER_INFO,
      help: 'Always 1: which ksit worker builds are running, on which task queue',
      labelNames: ['version', 'task_queue'],
      registers,
    }),
  };
}

export type KsitMetrics = ReturnType<typeof createKsitMetrics>;
