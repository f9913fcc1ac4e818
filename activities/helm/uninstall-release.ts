import type { ClusterClient } from '../kube/cluster-clients.js';
import { classifyHelmError } from './classify-helm-error.js';
import type { HelmRunner } from './helm-runner.js';
import { assertOwned, type ReleaseOwner } from './release-owner.js';
import { readReleaseState } from './release-state.js';

/** `helm uninstall` of a release `owner` installed; a release that is already gone counts as success. */
export async function uninstallRelease(
  client: ClusterClient,
  helm: HelmRunner,
  cluster: string,
  namespace: string,
  releaseName: string,
  owner: ReleaseOwner,
  signal?: AbortSignal,
): Promise<{ removed: boolean }> {
  const state = await readReleaseState(client, namespace, releaseName);
  if (!state.exists) return { removed: false };
  assertOwned(state, owner, releaseName, namespace, cluster, 'uninstall');
  const result = await helm(
    () => ['uninstall', '--namespace', namespace, '--wait', '--timeout', '5m', '--', releaseName],
    { kubeconfig: client.kubeconfig, timeoutMs: 330_000, signal },
  );
  if (result.exitCode === 0) return { removed: true };
  if (/not found/i.test(result.stderr)) return { removed: false };
  throw classifyHelmError('uninstall', cluster, result.stderr);
}
