// One watch-based cache of workloads per cluster per worker, shared by every health watch on that worker: each
// (namespace, kind) a monitor needs is listed once and then watched, so a change reaches the monitors within
// moments and their checks read memory instead of the API server. Scoped: only the namespaces and kinds that
// running monitors ask for are watched, and a watch ends shortly after its last monitor leaves.
//
// Never a false phase from a dropped watch: a (namespace, kind) counts as fresh only while its watch is connected
// and has heard from the server (an event, a bookmark, or the list that started it) within `freshMs`. Otherwise
// snapshot() answers undefined and the check reads the API directly, as it did before this cache existed; the
// watch relists and resumes by itself.
import { KubernetesObject, ListWatch, Watch } from '@kubernetes/client-node';
import type { WorkloadKind } from '../../shared/types.js';
import type { Workload } from '../health/workload-health.js';
import type { ClusterClient } from './cluster-clients.js';
import { withTimeout } from './request-options.js';
import { SharedResults } from './shared-results.js';

/** A watch the server ends after 5 to 10 minutes (random, as client-go does, so they do not all end together). */
const WATCH_SECONDS_MIN = 300;
/** The API server sends a bookmark about once a minute on a quiet watch that asked for them. */
const DEFAULT_FRESH_MS = 2.5 * 60_000;
/** A watch nobody uses any more is kept this long, so a watch activity's retry or a spec update reuses it. */
const LINGER_MS = 60_000;
const RESTART_MIN_MS = 1_000;
const RESTART_MAX_MS = 30_000;
const FORBIDDEN_RETRY_MS = 10 * 60_000;
/** One reachability probe per cluster per this long, shared by every monitor that reads the cache. */
const PROBE_MS = 5_000;
const PROBE_TIMEOUT_MS = 10_000;

type Listener = () => void;

/** client-node's Watch with bookmarks and a server-side timeout, reporting when it last heard from the server. */
class TimedWatch extends Watch {
  heardAt = 0;
  connected = false;

  constructor(
    client: ClusterClient,
    private readonly now: () => number,
  ) {
    super(client.config);
    // Client-side inactivity limit: a silent connection (no event, no bookmark) is dropped and reopened. The
    // field is private in client-node's types only; its default (30 s) would reopen every quiet watch twice a
    // minute, as many requests as polling.
    (this as unknown as { requestTimeoutMs: number }).requestTimeoutMs = DEFAULT_FRESH_MS;
  }

  override async watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    const params = {
      ...queryParams,
      allowWatchBookmarks: true,
      timeoutSeconds: WATCH_SECONDS_MIN + Math.floor(Math.random() * WATCH_SECONDS_MIN),
    };
    // Fresh only once the server has said something on this watch (or a list just completed): a watch reopened
    // towards a server that no longer answers must not make old objects look current.
    this.connected = true;
    return super.watch(
      path,
      params,
      (phase, obj, raw) => {
        this.heardAt = this.now();
        callback(phase, obj, raw);
      },
      (err) => {
        this.connected = false;
        done(err);
      },
    );
  }
}

interface Informer {
  list: ListWatch<KubernetesObject>;
  watch: TimedWatch;
  listeners: Set<Listener>;
  failures: number;
  restartTimer?: NodeJS.Timeout;
  lingerTimer?: NodeJS.Timeout;
  stopped: boolean;
}

const PATHS: Record<WorkloadKind, string> = {
  Deployment: 'deployments',
  StatefulSet: 'statefulsets',
  DaemonSet: 'daemonsets',
};

/** What a health watch holds while it runs. */
export interface WorkloadSubscription {
  /** The namespace's workloads of this kind from the cache, or undefined when the cache is not fresh. */
  snapshot(kind: WorkloadKind): Workload[] | undefined;
  close(): void;
}

export interface WatchCacheStats {
  informers: number;
  fresh: number;
  listeners: number;
}

export class WorkloadWatchCache {
  private readonly informers = new Map<string, Informer>();
  private readonly probes = new SharedResults<void>(PROBE_MS);

  constructor(private readonly options: { freshMs?: number; lingerMs?: number; now?: () => number } = {}) {}

  /**
   * Watches `kinds` in `namespace` of this cluster (sharing watches other monitors already hold) and calls
   * `onChange` whenever one of them changes, is relisted or its watch drops.
   */
  subscribe(client: ClusterClient, namespace: string, kinds: WorkloadKind[], onChange: Listener): WorkloadSubscription {
    const held = [...new Set(kinds)].map((kind) => {
      const informer = this.informer(client, namespace, kind);
      informer.listeners.add(onChange);
      return [kind, informer] as const;
    });
    let closed = false;
    return {
      snapshot: (kind) => {
        const informer = held.find(([k]) => k === kind)?.[1];
        if (!informer || !this.fresh(informer)) return undefined;
        return informer.list.list(namespace) as Workload[];
      },
      close: () => {
        if (closed) return;
        closed = true;
        for (const [, informer] of held) this.release(informer, onChange);
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
    let fresh = 0;
    let listeners = 0;
    for (const i of this.informers.values()) {
      if (this.fresh(i)) fresh++;
      listeners += i.listeners.size;
    }
    return { informers: this.informers.size, fresh, listeners };
  }

  /** Stops every watch (worker shutdown). */
  close(): void {
    for (const [key, i] of this.informers) this.stop(key, i);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private fresh(i: Informer): boolean {
    return i.watch.connected && this.now() - i.watch.heardAt < (this.options.freshMs ?? DEFAULT_FRESH_MS);
  }

  /** One informer per cluster (its clients, i.e. one credentials revision), namespace and kind. */
  private informer(client: ClusterClient, namespace: string, kind: WorkloadKind): Informer {
    const key = `${client.server}\n${client.kubeconfig.revision}\n${namespace}\n${kind}`;
    const existing = this.informers.get(key);
    if (existing) {
      clearTimeout(existing.lingerTimer);
      existing.lingerTimer = undefined;
      return existing;
    }
    const watch = new TimedWatch(client, () => this.now());
    const path = `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/${PATHS[kind]}`;
    const listFn = (): Promise<{ items: KubernetesObject[]; metadata?: { resourceVersion?: string } }> =>
      kind === 'Deployment'
        ? client.apps.listNamespacedDeployment({ namespace })
        : kind === 'StatefulSet'
          ? client.apps.listNamespacedStatefulSet({ namespace })
          : client.apps.listNamespacedDaemonSet({ namespace });
    const listed = () =>
      listFn().then((result) => {
        watch.heardAt = this.now();
        return result;
      });
    const list = new ListWatch<KubernetesObject>(path, watch, listed as never, false);
    const informer: Informer = { list, watch, listeners: new Set(), failures: 0, stopped: false };
    const notify = () => {
      for (const l of informer.listeners) l();
    };
    list.on('add', notify);
    list.on('update', notify);
    list.on('delete', notify);
    list.on('connect', () => (informer.failures = 0));
    // ListWatch stops on an error (API down, 403, ...): the monitors fall back to direct reads (and say what is
    // wrong), and the watch is started again with backoff.
    list.on('error', (err?: unknown) => {
      notify();
      if (informer.stopped) return;
      informer.failures++;
      // Credentials allowed to list but not to watch (an older target RBAC): checks read the API as before; look
      // again now and then rather than every 30 s.
      const status = (err as { statusCode?: number; code?: number } | undefined) ?? {};
      const forbidden = status.statusCode === 403 || status.code === 403;
      const delay = forbidden
        ? FORBIDDEN_RETRY_MS
        : Math.min(RESTART_MAX_MS, RESTART_MIN_MS * 2 ** (informer.failures - 1));
      informer.restartTimer = setTimeout(() => void list.start().catch(() => undefined), delay);
      informer.restartTimer.unref();
    });
    void list.start().catch(() => undefined);
    this.informers.set(key, informer);
    return informer;
  }

  private release(informer: Informer, listener: Listener): void {
    informer.listeners.delete(listener);
    if (informer.listeners.size > 0) return;
    const key = [...this.informers].find(([, i]) => i === informer)?.[0];
    if (!key) return;
    informer.lingerTimer = setTimeout(() => this.stop(key, informer), this.options.lingerMs ?? LINGER_MS);
    informer.lingerTimer.unref();
  }

  private stop(key: string, informer: Informer): void {
    informer.stopped = true;
    clearTimeout(informer.restartTimer);
    clearTimeout(informer.lingerTimer);
    void informer.list.stop();
    informer.watch.connected = false;
    this.informers.delete(key);
  }
}
