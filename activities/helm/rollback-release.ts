import type { ClusterClient } from '../kube/cluster-clients.js';
import { classifyHelmError } from './classify-helm-error.js';
import type { HelmRunner } from './helm-runner.js';

/** `helm rollback RELEASE REVISION`: takes a release stuck in pending-* back to its last good revision. */
export async function rollbackRelease(
  client: ClusterClient,
  helm: HelmRunner,
  cluster: string,
  namespace: string,
  releaseName: string,
  revision: number,
  signal?: AbortSignal,
): Promise<{ detail: string }> {
  const result = await helm(() => ['rollback', releaseName, String(revision), '--namespace', namespace], {
    kubeconfig: client.kubeconfig,
    timeoutMs: 120_000,
    signal,
  });
  if (result.exitCode !== 0) throw classifyHelmError('rollback', cluster, result.stderr);
  return { detail: `rolled release ${releaseName} back to revision ${revision}` };
}
