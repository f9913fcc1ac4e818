import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { STRICT_KUBECONFIG, type KubeconfigAllowances } from './kubeconfig-policy.js';

/**
 * What the operator lets target credentials be: which kubeconfig features (kubeconfig-policy.ts), which
 * directories a `kubeconfigFile` may be in, and what may never be named as a kubeconfig (the worker's own secrets).
 */
export interface CredentialPolicy {
  kubeconfig: KubeconfigAllowances;
  /** Directories a kubeconfigFile must be inside (after following links). Empty: kubeconfig files are refused. */
  kubeconfigDirs: string[];
  /** `namespace/name` of Secrets that are never a target's kubeconfig (codec key, Temporal credentials). */
  reservedSecrets: string[];
  /** Files and directories that are never a target's kubeconfig, even inside kubeconfigDirs. */
  reservedPaths: string[];
}

/** The service account token and CA of a worker pod: never a target's kubeconfig. */
const POD_SECRETS = '/var/run/secrets';

export const STRICT_CREDENTIALS: CredentialPolicy = {
  kubeconfig: STRICT_KUBECONFIG,
  kubeconfigDirs: [],
  reservedSecrets: [],
  reservedPaths: [POD_SECRETS],
};

export const KUBECONFIG_DIRS_SETTING = 'KSIT_KUBECONFIG_DIRS (Helm chart value security.kubeconfigDirs)';

function inside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

async function real(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    return resolve(path);
  }
}

/**
 * The real path of a kubeconfig file when the policy lets targets use it, else undefined. Links are followed
 * first, so a link inside an allowed directory pointing out of it is refused.
 */
export function allowedKubeconfigPath(path: string, policy: CredentialPolicy): Promise<string | undefined> {
  return confinedPath(path, policy.kubeconfigDirs, policy.reservedPaths);
}

/** The real path of `path` when it is inside one of `dirs` and none of `reserved` (links followed), else undefined. */
export async function confinedPath(path: string, dirs: string[], reserved: string[] = []): Promise<string | undefined> {
  if (!isAbsolute(path)) return undefined;
  const target = await real(path);
  for (const r of [...reserved, POD_SECRETS]) {
    if (inside(target, await real(r)) || inside(resolve(path), resolve(r))) return undefined;
  }
  for (const dir of dirs) {
    if (inside(target, await real(dir))) return target;
  }
  return undefined;
}

export function isReservedSecret(namespace: string, name: string, policy: CredentialPolicy): boolean {
  return policy.reservedSecrets.includes(`${namespace}/${name}`);
}
