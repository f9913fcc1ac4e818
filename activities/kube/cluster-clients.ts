import {
  AppsV1Api,
  AuthorizationV1Api,
  CoreV1Api,
  DiscoveryV1Api,
  KubernetesObjectApi,
  ApiextensionsV1Api,
  type KubeConfig,
  VersionApi,
} from '@kubernetes/client-node';
import { ApplicationFailure } from '@temporalio/common';
import type { CredentialRef } from '../../shared/types.js';
import { FailureType } from '../errors.js';
import { STRICT_CREDENTIALS, type CredentialPolicy } from './credential-policy.js';
import { credentialKey, resolveKubeconfig, type ResolvedKubeconfig } from './credentials.js';
import { PooledKubeConfig } from './pooled-kubeconfig.js';

/** API clients for one target cluster, built from one kubeconfig revision. */
export interface ClusterClient {
  kubeconfig: ResolvedKubeconfig;
  /** The loaded config (one connection pool), for watches (kube/watch-cache.ts). */
  config: KubeConfig;
  server: string;
  core: CoreV1Api;
  apps: AppsV1Api;
  discovery: DiscoveryV1Api;
  auth: AuthorizationV1Api;
  version: VersionApi;
  crds: ApiextensionsV1Api;
  objects: KubernetesObjectApi;
}

interface Entry {
  client: ClusterClient;
  checkedAt: number;
}

/**
 * Caches clients per credential reference. Every `recheckMs` it re-reads the reference (one GET of the Secret,
 * or a stat of the file) and rebuilds the clients when it changed, so rotated kubeconfigs take effect without a
 * restart (the seed needed one).
 */
export class ClusterClients {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<ClusterClient>>();

  constructor(
    private readonly control: () => CoreV1Api,
    private readonly recheckMs = 30_000,
    private readonly now: () => number = Date.now,
    /** What target credentials may be and where they may come from (worker settings); strict by default. */
    private readonly policy: CredentialPolicy = STRICT_CREDENTIALS,
  ) {}

  async get(ref: CredentialRef): Promise<ClusterClient> {
    const key = credentialKey(ref);
    const entry = this.entries.get(key);
    if (entry && this.now() - entry.checkedAt < this.recheckMs) return entry.client;
    // One refresh per reference at a time, however many monitors share the cluster.
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = this.refresh(key, ref, entry).finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return pending;
  }

  /** Forget a reference, e.g. after a 401, so the next call re-reads it. */
  invalidate(ref: CredentialRef): void {
    this.entries.delete(credentialKey(ref));
  }

  private async refresh(key: string, ref: CredentialRef, entry: Entry | undefined): Promise<ClusterClient> {
    const resolved = await resolveKubeconfig(ref, this.control, this.policy);
    const client =
      entry && entry.client.kubeconfig.revision === resolved.revision ? entry.client : buildClient(resolved, ref);
    this.entries.set(key, { client, checkedAt: this.now() });
    return client;
  }
}

function buildClient(kubeconfig: ResolvedKubeconfig, ref: CredentialRef): ClusterClient {
  const kc = new PooledKubeConfig();
  try {
    kc.loadFromString(kubeconfig.yaml);
    if (kubeconfig.context) kc.setCurrentContext(kubeconfig.context);
  } catch {
    // The checked kubeconfig parsed once already; client-node's message could quote a credential, so say no more.
    throw ApplicationFailure.nonRetryable(
      `kubeconfig from ${describeRef(ref)} is not usable`,
      FailureType.BadCredentials,
    );
  }
  const server = kc.getCurrentCluster()?.server;
  if (!server) {
    throw ApplicationFailure.nonRetryable(
      `kubeconfig from ${describeRef(ref)} names no cluster for context "${kc.getCurrentContext()}"`,
      FailureType.BadCredentials,
    );
  }
  return {
    kubeconfig,
    config: kc,
    server,
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    discovery: kc.makeApiClient(DiscoveryV1Api),
    auth: kc.makeApiClient(AuthorizationV1Api),
    version: kc.makeApiClient(VersionApi),
    crds: kc.makeApiClient(ApiextensionsV1Api),
    objects: KubernetesObjectApi.makeApiClient(kc),
  };
}

export function describeRef(ref: CredentialRef): string {
  return ref.kind === 'secret' ? `Secret ${ref.namespace}/${ref.name} (key ${ref.key})` : `file ${ref.path}`;
}
