import type { ClusterClient } from '../kube/cluster-clients.js';
import { metadataOnly, withTimeout } from '../kube/request-options.js';
import { CHART_VERSION_LABEL } from './release-owner.js';

export interface ReleaseState {
  exists: boolean;
  status?: string;
  revision?: number;
  /** The chart version ksit recorded at install (label ksit.io/chart-version), when the spec pinned one. */
  chartVersion?: string;
  /** Highest revision that reached `deployed` or `superseded`, for rollbacks out of pending-*. */
  lastGoodRevision?: number;
  /** Labels of the latest revision: Helm's own plus ksit's owner labels (release-owner.ts). */
  labels?: Record<string, string>;
}

/**
 * Reads a Helm release from its storage Secrets (labels owner=helm,name=R) rather than spawning the Helm CLI:
 * one list call, cheap enough to run on every health check for drift detection. Only metadata is fetched: the
 * payload holds the release's values (often credentials) and the whole chart, which a health check never needs.
 */
export async function readReleaseState(
  client: ClusterClient,
  namespace: string,
  release: string,
): Promise<ReleaseState> {
  const list = await client.core.listNamespacedSecret(
    { namespace, labelSelector: `owner=helm,name=${release}` },
    metadataOnly(withTimeout(10_000)),
  );
  const revisions = list.items
    .map((s) => ({ labels: s.metadata?.labels ?? {}, revision: Number(s.metadata?.labels?.version ?? 0) }))
    .sort((a, b) => b.revision - a.revision);
  const latest = revisions[0];
  if (!latest) return { exists: false };
  const good = revisions.find((r) => r.labels.status === 'deployed' || r.labels.status === 'superseded');
  return {
    exists: true,
    status: latest.labels.status,
    revision: latest.revision,
    chartVersion: latest.labels[CHART_VERSION_LABEL],
    lastGoodRevision: good?.revision,
    labels: latest.labels,
  };
}
