import type { InstallEvent, PairEvent } from '../../activities/index.js';
import type { CheckEvent, PairRef } from '../../activities/watch-health.js';
import type { ClusterPhase } from '../../shared/types.js';
import type { KsitMetrics } from './registry.js';

const PHASES: ClusterPhase[] = [
  'Pending',
  'Installing',
  'Progressing',
  'Running',
  'Degraded',
  'Failed',
  'Unreachable',
  'Paused',
];

/**
 * How long a pair's series outlive the activity that set them when it returned normally. The workflow starts the
 * pair's next activity within a workflow task or two; if that lands on this worker again the series carry on
 * without a gap, and if it lands on another worker this one stops exporting the pair soon after.
 */
export const LINGER_MS = 15_000;

interface Tracked {
  pair: PairRef;
  /** Activities of this pair running on this worker now (an old watch may still be ending as a new one starts). */
  running: number;
  expiry?: () => void;
}

type Schedule = (fn: () => void, ms: number) => () => void;

const timer: Schedule = (fn, ms) => {
  const t = setTimeout(fn, ms);
  t.unref();
  return () => clearTimeout(t);
};

/**
 * Turns the activities' events into the per-pair and per-cluster series, and owns their lifetime. A worker exports
 * a pair only while it runs one of the pair's activities (the health watch, or an install) and for LINGER_MS
 * after one returned: the worker that runs the watch is the one that knows the pair's state, so when the watch
 * moves to another worker (shutdown, failover, or just the next watch being picked up elsewhere) or ends for good
 * (Integration deleted or paused), this worker's copy goes. A watch that failed or was cancelled drops the series
 * at once. `ksit_cluster_reachable` lasts as long as some exported pair is on that cluster.
 */
export class PairSeries {
  private readonly tracked = new Map<string, Tracked>();

  constructor(
    private readonly metrics: KsitMetrics,
    private readonly lingerMs = LINGER_MS,
    private readonly schedule: Schedule = timer,
  ) {}

  onPair = (event: PairEvent): void => {
    const key = keyOf(event.pair);
    let t = this.tracked.get(key);
    if (event.state === 'started') {
      t?.expiry?.();
      if (!t) this.tracked.set(key, (t = { pair: event.pair, running: 0 }));
      t.expiry = undefined;
      t.running++;
      if (event.phase) this.setPhase(event.pair, event.phase);
      return;
    }
    if (!t) return;
    t.running = Math.max(0, t.running - 1);
    if (t.running > 0) return;
    if (event.state === 'stopped') this.drop(key);
    else t.expiry = this.schedule(() => this.drop(key), this.lingerMs);
  };

  onCheck = (event: CheckEvent): void => {
    const cluster = event.pair?.cluster ?? event.cluster;
    const result = event.healthy === undefined ? 'unreachable' : event.healthy ? 'healthy' : 'unhealthy';
    this.metrics.healthCheckDuration.observe({ cluster, result }, event.durationMs / 1000);
    this.metrics.healthCheckLag.observe({ cluster }, Math.max(0, event.startedAt - event.scheduledAt) / 1000);
    // Only pairs this worker tracks: a check from an activity without labels (an older workflow) sets nothing.
    if (!event.pair || !this.tracked.has(keyOf(event.pair))) return;
    this.metrics.clusterReachable.set({ cluster }, event.reachable ? 1 : 0);
    const labels = pairLabels(event.pair);
    if (event.reachable && event.componentsTotal !== undefined) {
      this.metrics.componentsReady.set(labels, event.componentsReady ?? 0);
      this.metrics.componentsTotal.set(labels, event.componentsTotal);
      this.metrics.lastCheck.set(labels, event.at / 1000);
    }
    // A blip of failures leaves health as it was; once the watch reports Unreachable, health is 0.
    if (event.healthy !== undefined || event.unreachable) {
      this.metrics.integrationHealthy.set(pairLabels(event.pair), event.healthy ? 1 : 0);
    }
  };

  onInstall = (event: InstallEvent): void => {
    const result = event.ok ? 'success' : 'failure';
    this.metrics.installDuration.observe({ method: event.method, result }, event.durationMs / 1000);
    if (!event.pair) return;
    const { namespace, integration, cluster } = event.pair;
    this.metrics.installsTotal.inc({ namespace, integration, cluster, method: event.method, result });
    if (event.helmTimedOut) this.metrics.helmTimeouts.inc({ namespace, integration, cluster });
  };

  private setPhase(pair: PairRef, phase: ClusterPhase): void {
    for (const p of PHASES) this.metrics.integrationPhase.set({ ...pairLabels(pair), phase: p }, p === phase ? 1 : 0);
  }

  private drop(key: string): void {
    const t = this.tracked.get(key);
    if (!t) return;
    this.tracked.delete(key);
    const labels = pairLabels(t.pair);
    for (const phase of PHASES) this.metrics.integrationPhase.remove({ ...labels, phase });
    this.metrics.integrationHealthy.remove(labels);
    this.metrics.componentsReady.remove(labels);
    this.metrics.componentsTotal.remove(labels);
    this.metrics.lastCheck.remove(labels);
    const cluster = t.pair.cluster;
    if (![...this.tracked.values()].some((other) => other.pair.cluster === cluster)) {
      this.metrics.clusterReachable.remove({ cluster });
    }
  }
}

function pairLabels(pair: PairRef) {
  return { namespace: pair.namespace, integration: pair.integration, cluster: pair.cluster, type: pair.type };
}

function keyOf(pair: PairRef): string {
  return JSON.stringify([pair.namespace, pair.integration, pair.cluster]);
}
