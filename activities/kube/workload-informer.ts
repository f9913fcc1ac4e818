// One list-then-watch of one workload kind, in one namespace or across the cluster, that restarts itself with
// backoff and reports when it last heard from the server. The watch cache (watch-cache.ts) decides which of these
// to hold; this file only runs one.
import { KubernetesObject, ListWatch, Watch } from '@kubernetes/client-node';
import type { WorkloadKind } from '../../shared/types.js';
import type { Workload } from '../health/workload-health.js';
import type { ClusterClient } from './cluster-clients.js';

/** A watch the server ends after 5 to 10 minutes (random, as client-go does, so they do not all end together). */
const WATCH_SECONDS_MIN = 300;
/** The API server sends a bookmark about once a minute on a quiet watch that asked for them. */
export const DEFAULT_FRESH_MS = 2.5 * 60_000;
const RESTART_MIN_MS = 1_000;
const RESTART_MAX_MS = 30_000;
const FORBIDDEN_RETRY_MS = 10 * 60_000;

const PATHS: Record<WorkloadKind, string> = {
  Deployment: 'deployments',
  StatefulSet: 'statefulsets',
  DaemonSet: 'daemonsets',
};

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
        callback(phase, trimmed(obj as Workload), raw);
      },
      (err) => {
        this.connected = false;
        done(err);
      },
    );
  }
}

/**
 * What a health check reads of a workload is its replicas, selector, generation and status. The rest (managed
 * fields, the last-applied annotation, the pod template) can be most of the object, and a cluster-wide cache holds
 * every workload of the kind, so it is dropped before caching.
 */
export function trimmed<W extends Workload>(w: W): W {
  if (!w?.metadata) return w;
  delete w.metadata.managedFields;
  delete w.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'];
  if (w.spec) delete (w.spec as { template?: unknown }).template;
  return w;
}

export interface InformerEvents {
  /** A workload in this namespace was added, changed or deleted. */
  changed(namespace: string): void;
  /** A list completed: from now on the informer holds what the server has. */
  listed(): void;
  /** The list or the watch failed; the informer starts again by itself unless stopped in this callback. */
  failed(forbidden: boolean): void;
}

export class WorkloadInformer {
  private readonly watch: TimedWatch;
  private readonly lw: ListWatch<KubernetesObject>;
  private failures = 0;
  private restartTimer?: NodeJS.Timeout;
  private stopped = false;

  /** `namespace` undefined: every namespace of the cluster. */
  constructor(
    client: ClusterClient,
    kind: WorkloadKind,
    readonly namespace: string | undefined,
    events: InformerEvents,
    private readonly now: () => number,
  ) {
    this.watch = new TimedWatch(client, now);
    const path = namespace
      ? `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/${PATHS[kind]}`
      : `/apis/apps/v1/${PATHS[kind]}`;
    const listed = async () => {
      const result = await listWorkloads(client, kind, namespace);
      result.items.forEach(trimmed);
      this.watch.heardAt = now();
      // After ListWatch has stored the items (it does so right after this promise settles).
      setImmediate(() => !this.stopped && events.listed());
      return result;
    };
    this.lw = new ListWatch<KubernetesObject>(path, this.watch, listed as never, false);
    const changed = (obj?: KubernetesObject) => events.changed(obj?.metadata?.namespace ?? '');
    this.lw.on('add', changed);
    this.lw.on('update', changed);
    this.lw.on('delete', changed);
    this.lw.on('connect', () => (this.failures = 0));
    // ListWatch stops on an error (API down, 403, ...): the monitors fall back to direct reads (and say what is
    // wrong), and the watch is started again with backoff.
    this.lw.on('error', (err?: unknown) => {
      if (this.stopped) return;
      const status = (err as { statusCode?: number; code?: number } | undefined) ?? {};
      const forbidden = status.statusCode === 403 || status.code === 403;
      events.failed(forbidden);
      if (this.stopped) return;
      this.failures++;
      // Credentials allowed to list but not to watch (an older target RBAC): checks read the API as before; look
      // again now and then rather than every 30 s.
      const delay = forbidden
        ? FORBIDDEN_RETRY_MS
        : Math.min(RESTART_MAX_MS, RESTART_MIN_MS * 2 ** (this.failures - 1));
      this.restartTimer = setTimeout(() => void this.lw.start().catch(() => undefined), delay);
      this.restartTimer.unref();
    });
    void this.lw.start().catch(() => undefined);
  }

  /** Connected, and heard from the server (an event, a bookmark, or the list that started it) within `freshMs`. */
  fresh(freshMs: number): boolean {
    return this.watch.connected && this.now() - this.watch.heardAt < freshMs;
  }

  list(namespace: string): Workload[] {
    return this.lw.list(namespace) as Workload[];
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    void this.lw.stop();
    this.watch.connected = false;
  }
}

function listWorkloads(
  client: ClusterClient,
  kind: WorkloadKind,
  namespace: string | undefined,
): Promise<{ items: Workload[]; metadata?: { resourceVersion?: string } }> {
  if (namespace === undefined) {
    return kind === 'Deployment'
      ? client.apps.listDeploymentForAllNamespaces()
      : kind === 'StatefulSet'
        ? client.apps.listStatefulSetForAllNamespaces()
        : client.apps.listDaemonSetForAllNamespaces();
  }
  return kind === 'Deployment'
    ? client.apps.listNamespacedDeployment({ namespace })
    : kind === 'StatefulSet'
      ? client.apps.listNamespacedStatefulSet({ namespace })
      : client.apps.listNamespacedDaemonSet({ namespace });
}
