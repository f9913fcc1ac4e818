import type { ClusterClient } from '../kube/cluster-clients.js';
import { classifyHelmError } from './classify-helm-error.js';
import type { HelmRunner } from './helm-runner.js';

/** `helm uninstall`; a release that is already gone counts as success. */
export async function uninstallRelease(
  client: ClusterClient,
  helm: HelmRunner,
  cluster: string,
  namespace: string,
  releaseName: string,
  signal?: AbortSignal,
): Promise<{ removed: boolean }> {
  const result = await helm(() => ['uninstall', releaseName, '--namespace', namespace, '--wait', '--timeout', '5m'], {
    kubeconfig: client.kubeconfig,
    timeoutMs: 330_000,
    signal,
  });
  if (result.exitCode === 0) return { removed: true };
  if (/not found/i.test(result.stderr)) return { removed: false };
  throw classifyHelmError('uninstall', cluster, result.stderr);
}
