import { setTimeout as sleep } from 'node:timers/promises';
import { type KubernetesObject, PatchStrategy } from '@kubernetes/client-node';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { classifyKubeError, FailureType, httpStatus } from '../errors.js';
import type { ClusterClient } from '../kube/cluster-clients.js';
import type { ReleaseOwner } from '../helm/release-owner.js';
import type { InstallPolicy } from '../install-policy.js';
import { itemKey, itemOf, readInventory, writeInventory, type InventoryItem } from './inventory.js';
import { applyOrder, loadManifestSource } from './load-manifest.js';

const FIELD_MANAGER = 'ksit';
const ESTABLISHED_TIMEOUT_MS = 120_000;

/**
 * Server-side applies a manifest: CRDs first, then waits until every CRD is Established, then the rest
 * (namespaced objects without a namespace go to `namespace`). Idempotent: applying again changes nothing. Objects
 * it creates are recorded first in the owner's inventory (inventory.ts), which is all that delete removes.
 */
export async function applyManifest(
  client: ClusterClient,
  cluster: string,
  namespace: string,
  source: string,
  owner: ReleaseOwner,
  policy: InstallPolicy,
): Promise<{ applied: number; crds: number; digest: string }> {
  const ctx = Context.current();
  const { objects, digest } = await loadManifestSource(source, policy);
  const { crds, rest } = applyOrder(objects);
  for (const crd of crds) await apply(client, cluster, crd);
  for (const crd of crds) {
    ctx.heartbeat({ step: `waiting for CRD ${crd.metadata?.name}` });
    await waitEstablished(client, cluster, crd.metadata?.name ?? '');
  }
  const placed = await Promise.all(rest.map((obj) => withNamespace(client, cluster, obj, namespace)));
  await recordCreations(client, cluster, namespace, owner, placed);
  for (const obj of placed) {
    ctx.heartbeat({ step: `applying ${obj.kind}/${obj.metadata?.name}` });
    await apply(client, cluster, obj);
  }
  return { applied: crds.length + rest.length, crds: crds.length, digest };
}

/** Adds to the inventory every object (but Namespaces) that does not exist yet, before anything is applied. */
async function recordCreations(
  client: ClusterClient,
  cluster: string,
  namespace: string,
  owner: ReleaseOwner,
  objects: KubernetesObject[],
): Promise<void> {
  try {
    const before = (await readInventory(client, namespace, owner)) ?? [];
    const known = new Set(before.map(itemKey));
    const created: InventoryItem[] = [];
    for (const obj of objects) {
      const item = itemOf(obj);
      if (obj.kind === 'Namespace' || known.has(itemKey(item))) continue;
      if (!(await exists(client, obj))) created.push(item);
    }
    if (created.length > 0 || before.length === 0)
      await writeInventory(client, namespace, owner, [...before, ...created]);
  } catch (err) {
    throw classifyKubeError(err, cluster, 'recording the install inventory');
  }
}

async function exists(client: ClusterClient, obj: KubernetesObject): Promise<boolean> {
  try {
    await client.objects.read({
      apiVersion: obj.apiVersion,
      kind: obj.kind,
      metadata: { name: obj.metadata?.name ?? '', namespace: obj.metadata?.namespace },
    });
    return true;
  } catch (err) {
    if (httpStatus(err) === 404) return false;
    throw err;
  }
}

async function withNamespace(
  client: ClusterClient,
  cluster: string,
  obj: KubernetesObject,
  namespace: string,
): Promise<KubernetesObject> {
  try {
    return (await isNamespaced(client, obj))
      ? { ...obj, metadata: { ...obj.metadata, namespace: obj.metadata?.namespace ?? namespace } }
      : obj;
  } catch (err) {
    throw classifyKubeError(err, cluster, `looking up ${obj.apiVersion}/${obj.kind}`);
  }
}

async function apply(client: ClusterClient, cluster: string, obj: KubernetesObject): Promise<void> {
  const what = `applying ${obj.kind}/${obj.metadata?.name}`;
  try {
    await client.objects.patch(obj, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
  } catch (err) {
    const status = httpStatus(err);
    if (status === 400 || status === 422) {
      throw ApplicationFailure.nonRetryable(
        `${what} on ${cluster} was rejected: ${(err as Error).message.slice(0, 300)}`,
        FailureType.InstallRejected,
      );
    }
    throw classifyKubeError(err, cluster, what);
  }
}

async function isNamespaced(client: ClusterClient, obj: KubernetesObject): Promise<boolean> {
  if (obj.kind === 'Namespace' || obj.kind === 'CustomResourceDefinition' || obj.kind?.startsWith('Cluster'))
    return false;
  // The object API knows from discovery; reading the resource list is cached per apiVersion.
  const api = client.objects as unknown as {
    resource(apiVersion: string, kind: string): Promise<{ namespaced: boolean } | undefined>;
  };
  const resource = await api.resource(obj.apiVersion ?? 'v1', obj.kind ?? '');
  return resource?.namespaced ?? true;
}

async function waitEstablished(client: ClusterClient, cluster: string, name: string): Promise<void> {
  const deadline = Date.now() + ESTABLISHED_TIMEOUT_MS;
  let why = 'no Established condition yet';
  while (Date.now() < deadline) {
    try {
      const crd = await client.crds.readCustomResourceDefinition({ name });
      const conditions = crd.status?.conditions ?? [];
      if (conditions.some((c) => c.type === 'Established' && c.status === 'True')) return;
      const refused = conditions.find((c) => c.type === 'NamesAccepted' && c.status === 'False');
      if (refused) {
        // A name clash with another CRD (kind, plural, short name): it stays so until someone changes either CRD.
        throw crdNotEstablished(name, cluster, `NamesAccepted=False (${refused.reason}): ${refused.message ?? ''}`);
      }
      const pending = conditions.find((c) => c.status !== 'True');
      if (pending) why = `${pending.type}=${pending.status} (${pending.reason ?? ''}): ${pending.message ?? ''}`;
    } catch (err) {
      if (err instanceof ApplicationFailure) throw err;
      if (httpStatus(err) !== 404) throw classifyKubeError(err, cluster, `reading CRD ${name}`);
    }
    await sleep(500);
  }
  throw crdNotEstablished(name, cluster, `not after ${ESTABLISHED_TIMEOUT_MS / 1000}s; ${why}`);
}

/**
 * Not retried inside the activity: the lifecycle shows it as Failed with this reason and tries again after an
 * interval (another attempt of the activity would only wait the same two minutes unseen).
 */
function crdNotEstablished(name: string, cluster: string, why: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(
    `CRD ${name} on ${cluster} is not Established: ${why}`.trim(),
    FailureType.CrdNotEstablished,
  );
}
