import { gunzipSync } from 'node:zlib';
import type { V1Secret } from '@kubernetes/client-node';
import type { ClusterClient } from '../kube/cluster-clients.js';
import { withTimeout } from '../kube/request-options.js';
import type { ReleaseState } from '../../shared/lifecycle/drift.js';

export type { ReleaseState };

// Decoding a release is costly (gzip of the whole chart); a revision never changes, so decode each once.
const chartVersionCache = new Map<string, string | undefined>();

/**
 * Reads a Helm release from its storage Secrets (labels owner=helm,name=R) rather than spawning the Helm CLI:
 * one list call, cheap enough to run on every health check for drift detection.
 */
export async function readReleaseState(
  client: ClusterClient,
  namespace: string,
  release: string,
): Promise<ReleaseState> {
  const list = await client.core.listNamespacedSecret(
    { namespace, labelSelector: `owner=helm,name=${release}` },
    withTimeout(10_000),
  );
  const revisions = list.items
    .map((s) => ({ secret: s, revision: Number(s.metadata?.labels?.version ?? 0), status: s.metadata?.labels?.status }))
    .sort((a, b) => b.revision - a.revision);
  const latest = revisions[0];
  if (!latest) return { exists: false };
  const good = revisions.find((r) => r.status === 'deployed' || r.status === 'superseded');
  const created = latest.secret.metadata?.creationTimestamp;
  return {
    exists: true,
    status: latest.status,
    revision: latest.revision,
    chartVersion: chartVersionOf(latest.secret),
    lastGoodRevision: good?.revision,
    // When the latest revision was written: a pending one younger than the install timeout may still be running.
    ageMs: created ? Math.max(0, Date.now() - new Date(created).getTime()) : undefined,
  };
}

function chartVersionOf(secret: V1Secret): string | undefined {
  const key = `${secret.metadata?.uid}@${secret.metadata?.resourceVersion}`;
  if (chartVersionCache.has(key)) return chartVersionCache.get(key);
  let version: string | undefined;
  try {
    const encoded = Buffer.from(secret.data?.release ?? '', 'base64').toString('utf8');
    const json = gunzipSync(Buffer.from(encoded, 'base64')).toString('utf8');
    version = (JSON.parse(json) as { chart?: { metadata?: { version?: string } } }).chart?.metadata?.version;
  } catch {
    version = undefined;
  }
  if (chartVersionCache.size > 10_000) chartVersionCache.clear();
  chartVersionCache.set(key, version);
  return version;
}
