import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';

/**
 * The control cluster holds the kubeconfig Secrets of the targets. In a pod the worker uses its service account;
 * elsewhere KSIT_CONTROL_KUBECONFIG (or the default kubeconfig) points at it.
 */
export function controlClusterCore(kubeconfigPath?: string): CoreV1Api {
  const kc = new KubeConfig();
  if (kubeconfigPath) kc.loadFromFile(kubeconfigPath);
  else kc.loadFromDefault();
  return kc.makeApiClient(CoreV1Api);
}
