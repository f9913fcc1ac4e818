import type { KubernetesObject } from '@kubernetes/client-node';
import { manifestDrift } from '../../shared/lifecycle/drift.js';
import { classifyKubeError, httpStatus } from '../errors.js';
import type { InstallPolicy } from '../install-policy.js';
import type { ClusterClient } from '../kube/cluster-clients.js';
import { loadManifestSource } from './load-manifest.js';

/**
 * How a manifest install differs from its source now: the source's content changed since it was applied, or
 * objects it holds are gone from the cluster (deleted by hand). Undefined when neither; the rules are
 * shared/lifecycle/drift.ts's. One read per object: the watch calls this at most every MANIFEST_CHECK_MS.
 */
export async function observeManifest(
  client: ClusterClient,
  cluster: string,
  namespace: string,
  source: string,
  appliedDigest: string | undefined,
  policy: InstallPolicy,
): Promise<string | undefined> {
  const { objects, digest } = await loadManifestSource(source, policy);
  const missing: string[] = [];
  for (const obj of objects) {
    if (obj.kind === 'Namespace' || obj.kind === 'CustomResourceDefinition') continue;
    if (!(await exists(client, cluster, obj, namespace))) missing.push(`${obj.kind}/${obj.metadata?.name}`);
  }
  return manifestDrift(appliedDigest, digest, missing);
}

async function exists(client: ClusterClient, cluster: string, obj: KubernetesObject, namespace: string) {
  const ref = {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    metadata: { name: obj.metadata?.name, namespace: obj.metadata?.namespace ?? namespace },
  };
  try {
    // A cluster-scoped kind ignores the namespace we pass.
    await client.objects.read(ref as KubernetesObject & { metadata: { name: string } });
    return true;
  } catch (err) {
    // 404: the object is gone; an unknown kind: its CRD is gone, and the object with it.
    if (httpStatus(err) === 404 || /unrecognized api version and kind/i.test((err as Error).message)) return false;
    throw classifyKubeError(err, cluster, `reading ${obj.kind}/${obj.metadata?.name}`);
  }
}
