import { classifyKubeError, httpStatus } from '../errors.js';
import type { ClusterClient } from '../kube/cluster-clients.js';
import { applyOrder, loadManifest } from './load-manifest.js';

/**
 * Deletes what a manifest created, in reverse order. CRDs are kept: deleting one would delete every custom
 * resource users made with it, which uninstalling a tool's controllers must not do.
 */
export async function deleteManifest(
  client: ClusterClient,
  cluster: string,
  namespace: string,
  source: string,
): Promise<{ removed: boolean }> {
  const { rest } = applyOrder(await loadManifest(source));
  let removed = false;
  for (const obj of [...rest].reverse()) {
    if (obj.kind === 'Namespace') continue;
    try {
      await client.objects.delete({
        ...obj,
        metadata: { ...obj.metadata, namespace: obj.metadata?.namespace ?? namespace },
      });
      removed = true;
    } catch (err) {
      if (httpStatus(err) === 404) continue;
      throw classifyKubeError(err, cluster, `deleting ${obj.kind}/${obj.metadata?.name}`);
    }
  }
  return { removed };
}
