import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../errors.js';
import type { ReleaseState } from './release-state.js';

/** The Integration a release belongs to. */
export interface ReleaseOwner {
  namespace: string;
  name: string;
}

// Labels ksit puts on the releases it installs (Helm --labels: they land on the release's storage Secrets, so they
// can be read from metadata alone). `owner` is what is compared; the other two are for people reading them.
export const OWNER_LABEL = 'ksit.io/owner';
const OWNER_NAMESPACE_LABEL = 'ksit.io/owner-namespace';
const OWNER_NAME_LABEL = 'ksit.io/owner-name';
export const CHART_VERSION_LABEL = 'ksit.io/chart-version';

/** A label value (at most 63 characters) that stands for one Integration. */
export function ownerId(owner: ReleaseOwner): string {
  return createHash('sha256').update(`${owner.namespace}/${owner.name}`).digest('hex').slice(0, 40);
}

/** A chart version as a label value ('+' is not allowed there). */
export function versionLabel(version: string): string {
  return version.replace(/\+/g, '_').slice(0, 63);
}

/** The `--labels` argument for an install by `owner` of a chart version (when the spec pins one). */
export function releaseLabels(owner: ReleaseOwner, chartVersion?: string): string {
  const labels = {
    [OWNER_LABEL]: ownerId(owner),
    [OWNER_NAMESPACE_LABEL]: owner.namespace.slice(0, 63),
    [OWNER_NAME_LABEL]: owner.name.slice(0, 63).replace(/[-.]+$/, ''),
    ...(chartVersion ? { [CHART_VERSION_LABEL]: versionLabel(chartVersion) } : {}),
  };
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** Who a release's labels say owns it, in words. */
function ownerWords(labels: Record<string, string>): string {
  const ns = labels[OWNER_NAMESPACE_LABEL];
  const name = labels[OWNER_NAME_LABEL];
  if (labels[OWNER_LABEL]) return `ksit Integration ${ns ?? '?'}/${name ?? '?'}`;
  return 'no ksit Integration (it was installed by someone else)';
}

/**
 * Refuses to touch (upgrade, recover, uninstall) a release that exists and is not `owner`'s: a hand-installed
 * release, or another Integration's. Non-retryable: nothing changes until a spec or the release does.
 */
export function assertOwned(
  state: ReleaseState,
  owner: ReleaseOwner,
  release: string,
  namespace: string,
  cluster: string,
  verb: string,
): void {
  if (!state.exists) return;
  const labels = state.labels ?? {};
  if (labels[OWNER_LABEL] === ownerId(owner)) return;
  throw ApplicationFailure.nonRetryable(
    `release conflict: Helm release ${release} in namespace ${namespace} on ${cluster} belongs to ` +
      `${ownerWords(labels)}, not to Integration ${owner.namespace}/${owner.name}; ksit will not ${verb} it. ` +
      `Give this Integration another releaseName or namespace, or remove the other release`,
    FailureType.InstallRejected,
  );
}
