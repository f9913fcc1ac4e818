import type { ClusterClient } from '../kube/cluster-clients.js';
import { classifyHelmError } from './classify-helm-error.js';
import type { HelmRunner } from './helm-runner.js';
import { assertOwned, type ReleaseOwner } from './release-owner.js';
import { readReleaseState } from './release-state.js';

/**
 * `helm rollback RELEASE REVISION`: takes a release stuck in pending-* back to its last good revision; only a
 * release `owner` installed (a hand-installed one is never touched).
 */
export async function rollbackRelease(
  client: ClusterClient,
  helm: HelmRunner,
  cluster: string,
  namespace: string,
  releaseName: string,
  revision: number,
  owner: ReleaseOwner,
  signal?: AbortSignal,
): Promise<{ detail: string }> {
  assertOwned(
    await readReleaseState(client, namespace, releaseName),
    owner,
    releaseName,
    namespace,
    cluster,
    'recover',
  );
  const result = await helm(() => ['rollback', `--namespace=${namespace}`, '--', releaseName, String(revision)], {
    kubeconfig: client.kubeconfig,
    timeoutMs: 120_000,
    signal,
  });
  if (result.exitCode !== 0) throw classifyHelmError('rollback', cluster, result.stderr);
  return { detail: `rolled release ${releaseName} back to revision ${revision}` };
}
