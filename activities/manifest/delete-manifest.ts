import { classifyKubeError, httpStatus } from '../errors.js';
import type { ReleaseOwner } from '../helm/release-owner.js';
import type { ClusterClient } from '../kube/cluster-clients.js';
import { deleteInventory, readInventory } from './inventory.js';

/**
 * Deletes what this Integration's manifest installs created, from their inventory (inventory.ts), in reverse
 * order; never what the source lists now (a changed source could list anything) and never objects that existed
 * before ksit applied them. CRDs and Namespaces are not in the inventory: deleting a CRD would delete every custom
 * resource users made with it, which uninstalling a tool's controllers must not do.
 */
export async function deleteManifest(
  client: ClusterClient,
  cluster: string,
  namespace: string,
  owner: ReleaseOwner,
): Promise<{ removed: boolean }> {
  let items;
  try {
    items = await readInventory(client, namespace, owner);
  } catch (err) {
    throw classifyKubeError(err, cluster, 'reading the install inventory');
  }
  if (!items) return { removed: false };
  let removed = false;
  for (const item of [...items].reverse()) {
    try {
      await client.objects.delete({
        apiVersion: item.apiVersion,
        kind: item.kind,
        metadata: { name: item.name, namespace: item.namespace },
      });
      removed = true;
    } catch (err) {
      if (httpStatus(err) === 404) continue;
      throw classifyKubeError(err, cluster, `deleting ${item.kind}/${item.name}`);
    }
  }
  try {
    await deleteInventory(client, namespace, owner);
  } catch (err) {
    throw classifyKubeError(err, cluster, 'deleting the install inventory');
  }
  return { removed };
}
