import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../errors.js';
import { PatchStrategy } from '@kubernetes/client-node';
import type { ClusterClient } from '../kube/cluster-clients.js';
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
/** On another Integration's release: who else wanted it (so that its owner reports the conflict too). */
export const CLAIMED_BY_ANNOTATION = 'ksit.io/claimed-by';

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

/**
 * Marks another Integration's release as wanted by `claimant` too (an annotation on its latest storage Secret), so
 * that the owner's health checks report the conflict as well: two Integrations claiming one release is a conflict
 * on both. Best effort: the claimant reports its own conflict whether or not this works.
 */
export async function markClaim(
  client: ClusterClient,
  state: ReleaseState,
  claimant: ReleaseOwner,
  release: string,
  namespace: string,
): Promise<void> {
  if (!state.exists || !state.labels?.[OWNER_LABEL] || state.labels[OWNER_LABEL] === ownerId(claimant)) return;
  const who = `${claimant.namespace}/${claimant.name}`;
  if (state.claimedBy?.includes(who)) return;
  const annotations = { [CLAIMED_BY_ANNOTATION]: [...(state.claimedBy ?? []), who].join(',') };
  await client.objects
    .patch(
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: `sh.helm.release.v1.${release}.v${state.revision}`, namespace, annotations },
      },
      undefined,
      undefined,
      'ksit',
      undefined,
      PatchStrategy.MergePatch,
    )
    .catch(() => undefined);
}

/** The owner's view of a release others claim: a reason its health check reports, or undefined. */
export function claimConflict(
  state: ReleaseState,
  owner: ReleaseOwner | undefined,
  release: string,
): string | undefined {
  if (!owner || !state.claimedBy?.length || state.labels?.[OWNER_LABEL] !== ownerId(owner)) return undefined;
  return (
    `release conflict: Integration ${state.claimedBy.join(', ')} also claims Helm release ${release} (its ` +
    'install is refused); give one of them another releaseName or namespace'
  );
}
