// The real local environment (deploy/local/env.sh) as seen by end-to-end tests: where Temporal, the chart repo
// and the KWOK clusters are, Kubernetes clients for the clusters, and the fault / outage switches.
import { join } from 'node:path';

import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { execa } from 'execa';

import {
  envFile,
  loadEnvironment,
  localLayout,
  repoRoot,
  type LocalCluster,
  type LocalEnvironment,
} from '../../../deploy/local/environment.js';

// What the environment is and where it lives is deploy/local/environment.ts's to say (env.sh uses it too).
export { envFile, loadEnvironment, repoRoot, type LocalCluster, type LocalEnvironment };

export type Fault = 'crashloop' | 'imagepull' | 'notready' | 'clear';

export const envScript = join(repoRoot, 'deploy/local/env.sh');
export const faultScript = join(repoRoot, 'deploy/local/fault.sh');

export function ksitHome(): string {
  return localLayout().ksitHome;
}

export function getCluster(name: string, env: LocalEnvironment = loadEnvironment()): LocalCluster {
  const found = env.clusters.find((c) => c.name === name);
  if (!found) throw new Error(`no local cluster named ${name} (have: ${env.clusters.map((c) => c.name).join(', ')})`);
  return found;
}

export interface KubeClient {
  kc: KubeConfig;
  core: CoreV1Api;
  apps: AppsV1Api;
}

/** Clients for one local cluster, from its flattened kubeconfig. */
export function kubeClient(cluster: string | LocalCluster): KubeClient {
  const c = typeof cluster === 'string' ? getCluster(cluster) : cluster;
  const kc = new KubeConfig();
  kc.loadFromFile(c.kubeconfig);
  kc.setCurrentContext(c.context);
  return { kc, core: kc.makeApiClient(CoreV1Api), apps: kc.makeApiClient(AppsV1Api) };
}

/**
 * The process environment for running the pinned tools: binDir first on PATH, and Helm's cache/config/data kept
 * under $KSIT_HOME so tests never touch the user's Helm repositories.
 */
export function toolEnv(env: LocalEnvironment = loadEnvironment()): NodeJS.ProcessEnv {
  return {
    ...process.env,
    KSIT_HOME: env.ksitHome,
    PATH: `${env.binDir}:${process.env.PATH ?? ''}`,
    HELM_CACHE_HOME: join(env.ksitHome, 'helm/cache'),
    HELM_CONFIG_HOME: join(env.ksitHome, 'helm/config'),
    HELM_DATA_HOME: join(env.ksitHome, 'helm/data'),
  };
}

/** Sets (or with 'clear' removes) the ksit.io/fault label on a workload and its pods; see deploy/local/fault.sh. */
export async function injectFault(cluster: string, namespace: string, target: string, fault: Fault): Promise<void> {
  await execa(faultScript, [cluster, namespace, target, fault], { env: toolEnv() });
}

/** Kills the cluster's kube-apiserver (etcd, controllers and kwok keep running). */
export async function stopApiServer(cluster: string): Promise<void> {
  await execa(envScript, ['stop-apiserver', cluster], { env: toolEnv() });
}

/** Starts the cluster's kube-apiserver again (same port, same certificates) and waits until it is ready. */
export async function startApiServer(cluster: string): Promise<void> {
  await execa(envScript, ['start-apiserver', cluster], { env: toolEnv() });
}

/**
 * Polls `probe` until it returns something other than undefined; errors count as "not yet". On timeout the error
 * names what was awaited and the last thing seen, which is what one needs to debug a failed e2e run. An error that
 * `stopOn` accepts ends the wait at once (something the wait depends on is gone for good).
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  {
    timeoutMs = 60_000,
    intervalMs = 500,
    stopOn,
  }: { timeoutMs?: number; intervalMs?: number; stopOn?: (err: unknown) => boolean } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = 'nothing yet';
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
      last = 'not yet';
    } catch (err) {
      if (stopOn?.(err)) throw err;
      last = err instanceof Error ? err.message : err;
    }
    if (Date.now() >= deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${String(last)})`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Kills the Temporal dev server like a crash; its SQLite file stays. */
export async function stopTemporal(): Promise<void> {
  await execa(envScript, ['stop-temporal'], { env: toolEnv() });
}

/** Starts the Temporal dev server again on the same file and ports, and waits until it serves. */
export async function startTemporal(): Promise<void> {
  await execa(envScript, ['start-temporal'], { env: toolEnv() });
}
