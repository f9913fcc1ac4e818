import type { KubernetesObject } from '@kubernetes/client-node';
import { httpStatus } from '../errors.js';
import { OWNER_LABEL, ownerId, type ReleaseOwner } from '../helm/release-owner.js';
import type { ClusterClient } from '../kube/cluster-clients.js';

/** One object a manifest install created. */
export interface InventoryItem {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

const KEY = 'objects.json';

/** The ConfigMap (in the tool's namespace) listing what an Integration's manifest installs created there. */
export function inventoryName(owner: ReleaseOwner): string {
  return `ksit-inventory-${ownerId(owner).slice(0, 24)}`;
}

export function itemOf(obj: KubernetesObject): InventoryItem {
  return {
    apiVersion: obj.apiVersion ?? 'v1',
    kind: obj.kind ?? '',
    name: obj.metadata?.name ?? '',
    ...(obj.metadata?.namespace ? { namespace: obj.metadata.namespace } : {}),
  };
}

export const itemKey = (i: InventoryItem) => `${i.apiVersion}/${i.kind}/${i.namespace ?? ''}/${i.name}`;

/** What earlier installs recorded; undefined when there is no inventory (nothing was installed by this owner). */
export async function readInventory(
  client: ClusterClient,
  namespace: string,
  owner: ReleaseOwner,
): Promise<InventoryItem[] | undefined> {
  try {
    const cm = await client.core.readNamespacedConfigMap({ name: inventoryName(owner), namespace });
    if (cm.metadata?.labels?.[OWNER_LABEL] !== ownerId(owner)) return undefined;
    return JSON.parse(cm.data?.[KEY] ?? '[]') as InventoryItem[];
  } catch (err) {
    if (httpStatus(err) === 404) return undefined;
    throw err;
  }
}

/** Records `items` before they are created, so that a crash mid-install never leaves an object ksit cannot name. */
export async function writeInventory(
  client: ClusterClient,
  namespace: string,
  owner: ReleaseOwner,
  items: InventoryItem[],
): Promise<void> {
  await client.core.createNamespace({ body: { metadata: { name: namespace } } }).catch((err: unknown) => {
    if (httpStatus(err) !== 409) throw err;
  });
  const body = {
    metadata: { name: inventoryName(owner), namespace, labels: { [OWNER_LABEL]: ownerId(owner) } },
    data: { [KEY]: JSON.stringify(items) },
  };
  try {
    await client.core.replaceNamespacedConfigMap({ name: body.metadata.name, namespace, body });
  } catch (err) {
    if (httpStatus(err) !== 404) throw err;
    await client.core.createNamespacedConfigMap({ namespace, body });
  }
}

export async function deleteInventory(client: ClusterClient, namespace: string, owner: ReleaseOwner): Promise<void> {
  await client.core.deleteNamespacedConfigMap({ name: inventoryName(owner), namespace }).catch((err: unknown) => {
    if (httpStatus(err) !== 404) throw err;
  });
}
