import type { ClusterClient } from '../kube/cluster-clients.js';
import { metadataOnly, withTimeout } from '../kube/request-options.js';
import type { ReleaseState } from '../../shared/lifecycle/drift.js';
import { CHART_VERSION_LABEL, CLAIMED_BY_ANNOTATION } from './release-owner.js';

export type { ReleaseState };

/**
 * Reads a Helm release from its storage Secrets (labels owner=helm,name=R) rather than spawning the Helm CLI:
 * one list call, cheap enough to run on every health check for drift detection. Only metadata is fetched: the
 * payload holds the release's values (often credentials) and the whole chart, which a health check never needs.
 * The chart version is the one ksit recorded in a label when it installed (release-owner.ts).
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
  // A metadata-only list with no items comes back as `items: null`.
  const revisions = (list.items ?? [])
    .map((s) => ({
      labels: s.metadata?.labels ?? {},
      claims: s.metadata?.annotations?.[CLAIMED_BY_ANNOTATION],
      created: s.metadata?.creationTimestamp,
      revision: Number(s.metadata?.labels?.version ?? 0),
    }))
    .sort((a, b) => b.revision - a.revision);
  const latest = revisions[0];
  if (!latest) return { exists: false };
  const good = revisions.find((r) => r.labels.status === 'deployed' || r.labels.status === 'superseded');
  // '+' is not allowed in label values: versionLabel wrote '_' for it ('_' is not allowed in semver).
  const chartVersion = latest.labels[CHART_VERSION_LABEL]?.replace(/_/g, '+');
  return {
    exists: true,
    status: latest.labels.status,
    revision: latest.revision,
    chartVersion,
    lastGoodRevision: good?.revision,
    // When the latest revision was written: a pending one younger than the install timeout may still be running.
    ageMs: latest.created ? Math.max(0, Date.now() - new Date(latest.created).getTime()) : undefined,
    labels: latest.labels,
    ...(latest.claims ? { claimedBy: latest.claims.split(',').filter(Boolean) } : {}),
  };
}
