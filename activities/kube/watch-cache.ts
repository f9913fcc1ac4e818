// One watch-based cache of workloads per cluster per worker, shared by every health watch on that worker: each
// kind a monitor needs is listed once and then watched, so a change reaches the monitors within moments and their
// checks read memory instead of the API server. Scoped: only the namespaces and kinds that running monitors ask
// for are watched, and a watch ends shortly after its last monitor leaves.
//
// One watch per namespace while a kind is needed in few namespaces; one cluster-wide watch of that kind once it is
// needed in `clusterWideAt` namespaces or more, if the credentials may list and watch it across the cluster (a
// 403 keeps the per-namespace watches, and the cluster-wide one is tried again later). Each watch is a connection
// of its own with its own buffers: the benchmark's 1,000 monitors, each in a namespace of its own, held 1,000 of them.
//
// Never a false phase from a dropped watch: a namespace counts as fresh only while a watch covering it is
// connected and has heard from the server (an event, a bookmark, or the list that started it) within `freshMs`.
// Otherwise snapshot() answers undefined and the check reads the API directly, as it did before this cache
// existed; the watch relists and resumes by itself.
import type { WorkloadKind } from '../../shared/types.js';
import type { Workload } from '../health/workload-health.js';
import type { ClusterClient } from './cluster-clients.js';
import { withTimeout } from './request-options.js';
import { SharedResults } from './shared-results.js';
import { DEFAULT_FRESH_MS, WorkloadInformer } from './workload-informer.js';

/** A watch nobody uses any more is kept this long, so a watch activity's retry or a spec update reuses it. */
const LINGER_MS = 60_000;
/** From this many namespaces of one kind in one cluster on, one cluster-wide watch replaces theirs. */
const DEFAULT_CLUSTER_WIDE_AT = 20;
/** After a 403 on the cluster-wide list or watch, try it again after this long (RBAC may have been granted). */
const CLUSTER_WIDE_RETRY_MS = 10 * 60_000;
/** One reachability probe per cluster per this long, shared by every monitor that reads the cache. */
const PROBE_MS = 5_000;
const PROBE_TIMEOUT_MS = 10_000;

type Listener = () => void;

/** What a health watch holds while it runs. */
export interface WorkloadSubscription {
  /** The namespace's workloads of this kind from the cache, or undefined when the cache is not fresh. */
  snapshot(kind: WorkloadKind): Workload[] | undefined;
  close(): void;
}

export interface WatchCacheStats {
  /** Watches open: per-namespace ones plus cluster-wide ones. */
  informers: number;
  clusterWide: number;
  fresh: number;
  listeners: number;
}

export interface WatchCacheOptions {
  freshMs?: number;
  lingerMs?: number;
  clusterWideAt?: number;
  now?: () => number;
}

/** The watches of one kind in one cluster (one credentials revision), and who needs which namespace. */
class KindWatches {
  readonly listeners = new Map<string, Set<Listener>>();
  readonly perNamespace = new Map<string, WorkloadInformer>();
  clusterWide?: WorkloadInformer;
  clusterWideRefusedAt?: number;
  private readonly lingering = new Map<string | undefined, NodeJS.Timeout>();

  constructor(
    private readonly client: ClusterClient,
    private readonly kind: WorkloadKind,
    private readonly options: WatchCacheOptions,
    private readonly now: () => number,
    /** Called once nothing is needed or open any more, so that the cache forgets this cluster and kind. */
    private readonly onIdle: () => void,
  ) {}

  add(namespace: string, listener: Listener): void {
    const set = this.listeners.get(namespace) ?? new Set();
    set.add(listener);
    this.listeners.set(namespace, set);
    this.keep(namespace);
    this.keep(undefined);
    if (this.clusterWide) return;
    if (this.listeners.size >= (this.options.clusterWideAt ?? DEFAULT_CLUSTER_WIDE_AT) && this.mayTryClusterWide()) {
      this.startClusterWide();
      return;
    }
    if (!this.perNamespace.has(namespace)) this.perNamespace.set(namespace, this.start(namespace));
  }

  remove(namespace: string, listener: Listener): void {
    const set = this.listeners.get(namespace);
    if (!set?.delete(listener) || set.size > 0) return;
    this.listeners.delete(namespace);
    this.linger(namespace, () => {
      this.perNamespace.get(namespace)?.stop();
      this.perNamespace.delete(namespace);
    });
    if (this.listeners.size === 0) this.linger(undefined, () => this.stopClusterWide());
  }

  snapshot(namespace: string): Workload[] | undefined {
    const freshMs = this.options.freshMs ?? DEFAULT_FRESH_MS;
    if (this.clusterWide?.fresh(freshMs)) return this.clusterWide.list(namespace);
    const own = this.perNamespace.get(namespace);
    return own?.fresh(freshMs) ? own.list(namespace) : undefined;
  }

  counts(): { informers: number; clusterWide: number; fresh: number } {
    const freshMs = this.options.freshMs ?? DEFAULT_FRESH_MS;
    const all = [...this.perNamespace.values(), ...(this.clusterWide ? [this.clusterWide] : [])];
    return {
      informers: all.length,
      clusterWide: this.clusterWide ? 1 : 0,
      fresh: all.filter((i) => i.fresh(freshMs)).length,
    };
  }

  idle(): boolean {
    return this.listeners.size === 0 && this.perNamespace.size === 0 && !this.clusterWide;
  }

  stop(): void {
    for (const t of this.lingering.values()) clearTimeout(t);
    this.lingering.clear();
    for (const i of this.perNamespace.values()) i.stop();
    this.perNamespace.clear();
    this.stopClusterWide();
  }

  private mayTryClusterWide(): boolean {
    return this.clusterWideRefusedAt === undefined || this.now() - this.clusterWideRefusedAt >= CLUSTER_WIDE_RETRY_MS;
  }

  private start(namespace: string | undefined): WorkloadInformer {
    return new WorkloadInformer(
      this.client,
      this.kind,
      namespace,
      {
        changed: (ns) => this.notify(ns),
        listed: () => (namespace === undefined ? this.onClusterWideListed() : undefined),
        failed: (forbidden) => {
          if (namespace === undefined && forbidden) this.onClusterWideRefused();
          // Every monitor this watch served checks again (and reads the API while the watch is down).
          if (namespace === undefined) for (const ns of this.listeners.keys()) this.notify(ns);
          else this.notify(namespace);
        },
      },
      this.now,
    );
  }

  private startClusterWide(): void {
    this.clusterWide = this.start(undefined);
  }

  /** The per-namespace watches' connections are what the cluster-wide one saves: close them once it has listed. */
  private onClusterWideListed(): void {
    for (const i of this.perNamespace.values()) i.stop();
    this.perNamespace.clear();
  }

  /** Not allowed across the cluster: back to one watch per namespace, for every namespace still needed. */
  private onClusterWideRefused(): void {
    this.stopClusterWide();
    this.clusterWideRefusedAt = this.now();
    for (const ns of this.listeners.keys()) {
      if (!this.perNamespace.has(ns)) this.perNamespace.set(ns, this.start(ns));
    }
  }

  private stopClusterWide(): void {
    this.clusterWide?.stop();
    this.clusterWide = undefined;
  }

  private notify(namespace: string): void {
    for (const l of this.listeners.get(namespace) ?? []) l();
  }

  private keep(namespace: string | undefined): void {
    clearTimeout(this.lingering.get(namespace));
    this.lingering.delete(namespace);
  }

  private linger(namespace: string | undefined, stop: () => void): void {
    this.keep(namespace);
    const timer = setTimeout(() => {
      this.lingering.delete(namespace);
      // Needed again meanwhile: keep it.
      if (namespace === undefined ? this.listeners.size > 0 : this.listeners.has(namespace)) return;
      stop();
      if (this.idle()) this.onIdle();
    }, this.options.lingerMs ?? LINGER_MS);
    timer.unref();
    this.lingering.set(namespace, timer);
  }
}

export class WorkloadWatchCache {
  private readonly kinds = new Map<string, KindWatches>();
  private readonly probes = new SharedResults<void>(PROBE_MS);

  constructor(private readonly options: WatchCacheOptions = {}) {}

  /**
   * Watches `kinds` in `namespace` of this cluster (sharing watches other monitors already hold) and calls
   * `onChange` whenever one of them changes, is relisted or its watch drops.
   */
  subscribe(client: ClusterClient, namespace: string, kinds: WorkloadKind[], onChange: Listener): WorkloadSubscription {
    const held = [...new Set(kinds)].map((kind) => {
      const watches = this.watchesOf(client, kind);
      watches.add(namespace, onChange);
      return [kind, watches] as const;
    });
    let closed = false;
    return {
      snapshot: (kind) => held.find(([k]) => k === kind)?.[1].snapshot(namespace),
      close: () => {
        if (closed) return;
        closed = true;
        for (const [, watches] of held) watches.remove(namespace, onChange);
      },
    };
  }

  /**
   * Resolves when the cluster's API answered within the last few seconds (one server-version read per cluster
   * per PROBE_MS, shared by all monitors); rejects with the API error otherwise. Interval checks that read the
   * cache call this first, so an API server that stopped answering is seen as unreachable at the interval, as
   * with direct reads, even while a half-open watch connection has not noticed yet.
   */
  reachable(client: ClusterClient): Promise<void> {
    const key = `${client.server}\n${client.kubeconfig.revision}`;
    return this.probes.get(key, async () => {
      await client.version.getCode(withTimeout(PROBE_TIMEOUT_MS));
    });
  }

  stats(): WatchCacheStats {
    const s: WatchCacheStats = { informers: 0, clusterWide: 0, fresh: 0, listeners: 0 };
    for (const w of this.kinds.values()) {
      const c = w.counts();
      s.informers += c.informers;
      s.clusterWide += c.clusterWide;
      s.fresh += c.fresh;
      for (const set of w.listeners.values()) s.listeners += set.size;
    }
    return s;
  }

  /** Stops every watch (worker shutdown). */
  close(): void {
    for (const w of this.kinds.values()) w.stop();
    this.kinds.clear();
  }

  /** One set of watches per cluster (its clients, i.e. one credentials revision) and kind. */
  private watchesOf(client: ClusterClient, kind: WorkloadKind): KindWatches {
    const key = `${client.server}\n${client.kubeconfig.revision}\n${kind}`;
    let w = this.kinds.get(key);
    if (!w) {
      w = new KindWatches(
        client,
        kind,
        this.options,
        () => (this.options.now ?? Date.now)(),
        () => this.kinds.delete(key),
      );
      this.kinds.set(key, w);
    }
    return w;
  }
}
