import { z } from 'zod';
import { STRICT_CREDENTIALS, type CredentialPolicy } from '../activities/kube/credential-policy.js';
import type { KubeconfigAllowances } from '../activities/kube/kubeconfig-policy.js';
import type { InstallPolicy } from '../activities/install-policy.js';

// The switches that loosen ksit's defaults for what spec authors may make the worker do (SECURITY.md lists them
// all). Every one is off unless the operator sets it; the Helm chart maps its `security.*` values onto them.
const off = z.stringbool({ error: 'must be true or false' }).default(false);
const list = (separator: string) =>
  z
    .string()
    .optional()
    .transform((v) =>
      (v ?? '')
        .split(separator)
        .map((s) => s.trim())
        .filter(Boolean),
    );

export const securitySettingsShape = {
  KSIT_KUBECONFIG_ALLOW_EXEC: off,
  KSIT_KUBECONFIG_ALLOW_AUTH_PROVIDER: off,
  KSIT_KUBECONFIG_ALLOW_FILE_PATHS: off,
  KSIT_KUBECONFIG_ALLOW_PROXY_URL: off,
  KSIT_KUBECONFIG_ALLOW_INSECURE_TLS: off,
  /** Directories (':'-separated, absolute) a target's kubeconfigFile may be in; empty: kubeconfig files are refused. */
  KSIT_KUBECONFIG_DIRS: list(':').refine((dirs) => dirs.every((d) => d.startsWith('/')), 'must be absolute paths'),
  /** `namespace/name` of Secrets never usable as a kubeconfig (comma-separated); the chart adds its own. */
  KSIT_RESERVED_SECRETS: list(','),
  /** Chart repositories over plain http to hosts other than loopback. */
  KSIT_ALLOW_HTTP_REPOSITORIES: off,
  /** Directories (':'-separated) local manifests and charts may be read from; empty: only URLs and repositories. */
  KSIT_SOURCE_DIRS: list(':').refine((dirs) => dirs.every((d) => d.startsWith('/')), 'must be absolute paths'),
  /** Manifest URLs on private, link-local or loopback addresses (and plain http). */
  KSIT_ALLOW_PRIVATE_MANIFEST_HOSTS: off,
};

type Settings = {
  [K in keyof typeof securitySettingsShape]: z.infer<(typeof securitySettingsShape)[K]>;
};

/** The worker's credential policy from its settings; the worker's own secret files are always reserved. */
export function credentialPolicy(s: Settings, ownFiles: Array<string | undefined>): CredentialPolicy {
  const kubeconfig: KubeconfigAllowances = {
    exec: s.KSIT_KUBECONFIG_ALLOW_EXEC,
    authProvider: s.KSIT_KUBECONFIG_ALLOW_AUTH_PROVIDER,
    filePaths: s.KSIT_KUBECONFIG_ALLOW_FILE_PATHS,
    proxyUrl: s.KSIT_KUBECONFIG_ALLOW_PROXY_URL,
    insecureTls: s.KSIT_KUBECONFIG_ALLOW_INSECURE_TLS,
  };
  return {
    kubeconfig,
    kubeconfigDirs: s.KSIT_KUBECONFIG_DIRS,
    reservedSecrets: s.KSIT_RESERVED_SECRETS,
    reservedPaths: [...STRICT_CREDENTIALS.reservedPaths, ...ownFiles.filter((f): f is string => !!f)],
  };
}

/** The worker's install policy from its settings. */
export function installPolicy(s: Settings): InstallPolicy {
  return {
    allowHttpRepositories: s.KSIT_ALLOW_HTTP_REPOSITORIES,
    sourceDirs: s.KSIT_SOURCE_DIRS,
    allowPrivateManifestHosts: s.KSIT_ALLOW_PRIVATE_MANIFEST_HOSTS,
  };
}
