import { isIP } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from './errors.js';

/** What the operator lets install sources be (worker settings, see workers/security-settings.ts). */
export interface InstallPolicy {
  /** Chart repositories over plain http to hosts other than loopback. */
  allowHttpRepositories: boolean;
  /** Directories local manifests and charts may be read from (absolute). Empty: none. */
  sourceDirs: string[];
  /** Manifest URLs on private, link-local or loopback addresses, and over plain http. */
  allowPrivateManifestHosts: boolean;
}

export const STRICT_INSTALLS: InstallPolicy = {
  allowHttpRepositories: false,
  sourceDirs: [],
  allowPrivateManifestHosts: false,
};

export const SETTINGS = {
  httpRepositories: 'KSIT_ALLOW_HTTP_REPOSITORIES=true (Helm chart value security.allowHttpRepositories)',
  sourceDirs: 'KSIT_SOURCE_DIRS (Helm chart value security.sourceDirs)',
  privateHosts: 'KSIT_ALLOW_PRIVATE_MANIFEST_HOSTS=true (Helm chart value security.allowPrivateManifestHosts)',
};

export function refuseInstall(message: string): never {
  throw ApplicationFailure.nonRetryable(message, FailureType.InstallRejected);
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || (isIP(h) === 4 && h.startsWith('127.'));
}

/** Refuses a chart repository URL that carries credentials, or uses plain http off loopback unless allowed. */
export function checkRepositoryUrl(url: string, policy: InstallPolicy): void {
  const field = 'spec.autoInstall.helmConfig.repository';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    refuseInstall(`${field} is not a URL`);
  }
  if (parsed.username || parsed.password)
    refuseInstall(`${field} must not carry credentials (user:password@); ksit passes none to chart repositories`);
  if (parsed.protocol === 'https:' || parsed.protocol === 'oci:') return;
  if (parsed.protocol !== 'http:') refuseInstall(`${field} must be https:// or oci://`);
  if (isLoopbackHost(parsed.hostname) || policy.allowHttpRepositories) return;
  refuseInstall(
    `${field} ${parsed.origin} is refused: plain http to a host other than loopback lets anyone on the path swap ` +
      `the chart; use https, or an operator allows it with ${SETTINGS.httpRepositories}`,
  );
}
