// What one health watch holds of the worker's watch cache (kube/watch-cache.ts): a subscription to the workloads
// of its namespace, whose changes wake the watch for a check (instead of waiting for the next interval), and the
// cached lists that checks read instead of the API server while the cache is fresh.
import type { WorkloadKind } from '../../shared/types.js';
import type { ClusterClient } from '../kube/cluster-clients.js';
import type { WorkloadSubscription, WorkloadWatchCache } from '../kube/watch-cache.js';
import type { Workload } from './workload-health.js';

/** Events come in bursts (a rollout, a crash loop's status updates): wait this long for the burst to settle. */
const SETTLE_MS = 200;
/**
 * At most one event-driven check per this long while healthy; while unhealthy (each check lists pods), longer, but
 * short enough that a recovery shows within 5 s of the API server showing it (bench:detection: at 5 s, clear ->
 * Running took 5.9 s p99 in `ksit get`). A crash loop's own events come far less often than this.
 */
const MIN_GAP_MS = 1_000;
const MIN_GAP_UNHEALTHY_MS = 2_000;

export class HealthEvents {
  private sub?: WorkloadSubscription;
  private client?: ClusterClient;
  private changed = false;
  private wake?: () => void;
  private lastEventCheck = 0;

  constructor(
    private readonly cache: WorkloadWatchCache | undefined,
    private readonly namespace: string,
    private readonly kinds: WorkloadKind[],
  ) {}

  /** Subscribes with the cluster's current clients (a rotated kubeconfig brings new ones, and a new watch). */
  use(client: ClusterClient): void {
    if (!this.cache || this.client === client) return;
    this.sub?.close();
    this.client = client;
    this.sub = this.cache.subscribe(client, this.namespace, this.kinds, () => {
      this.changed = true;
      this.wake?.();
    });
  }

  /** Before an interval check that may read the cache: the cluster's API must answer (shared probe). */
  async confirmReachable(): Promise<void> {
    if (this.cache && this.client) await this.cache.reachable(this.client);
  }

  /** The cached workloads of a kind, or undefined when the check must read the API (no cache, or not fresh). */
  readonly cached = (kind: WorkloadKind): Workload[] | undefined => this.sub?.snapshot(kind);

  /**
   * Waits up to `ms` for a change. True when one arrived (after it settled and the minimum gap since the last
   * event-driven check passed), false when the time ran out. Rejects when `stop` aborts.
   */
  async next(ms: number, stop: AbortSignal, unhealthy: boolean): Promise<boolean> {
    const until = Date.now() + ms;
    const gap = unhealthy ? MIN_GAP_UNHEALTHY_MS : MIN_GAP_MS;
    const earliest = () => Math.max(this.lastEventCheck + gap, Date.now() + SETTLE_MS);
    for (;;) {
      if (stop.aborted) throw stop.reason ?? new Error('aborted');
      if (this.changed && earliest() <= until) {
        await pause(earliest() - Date.now(), stop);
        this.changed = false;
        this.lastEventCheck = Date.now();
        return true;
      }
      const left = until - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve, reject) => {
        const done = () => {
          clearTimeout(timer);
          stop.removeEventListener('abort', abort);
          this.wake = undefined;
          resolve();
        };
        const abort = () => {
          done();
          reject(stop.reason ?? new Error('aborted'));
        };
        const timer = setTimeout(done, left);
        if (stop.aborted) return abort();
        stop.addEventListener('abort', abort, { once: true });
        this.wake = done;
      });
    }
  }

  close(): void {
    this.sub?.close();
    this.sub = undefined;
    this.client = undefined;
  }
}

function pause(ms: number, stop: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop.removeEventListener('abort', abort);
      resolve();
    }, ms);
    const abort = () => {
      clearTimeout(timer);
      reject(stop.reason ?? new Error('aborted'));
    };
    if (stop.aborted) return abort();
    stop.addEventListener('abort', abort, { once: true });
  });
}
