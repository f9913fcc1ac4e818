// Whether the tool on a cluster needs an install, a recovery, or a wait, from what was observed. Used for the
// observation before the first watch and for every watch result, so the two paths apply the same rules. Pure.
import {
  releaseDrift,
  type ReleaseDrift,
  type ReleaseState,
  type StuckRecovery,
} from '../../shared/lifecycle/drift.js';
import type { HealthReport, IntegrationSpec } from '../../shared/types.js';

export type InstallDecision =
  | { kind: 'install'; reason: string }
  | { kind: 'recover'; recovery: StuckRecovery; release: string; why: string }
  /** A Helm operation may still be running on the release: do not touch it, keep watching. */
  | { kind: 'wait-for-helm-operation'; message: string }
  /** The components run but no release of ours exists: someone installed the tool another way. Monitor it. */
  | { kind: 'installed-by-other-means'; note: string };

/** The drift of the spec's Helm release, by the shared rules (undefined for manifest installs and monitor-only). */
export function driftOf(spec: IntegrationSpec, release: ReleaseState | undefined): ReleaseDrift | undefined {
  const install = spec.install;
  if (install?.method !== 'helm') return undefined;
  return releaseDrift(release, {
    name: install.releaseName,
    chartVersion: install.chart.version,
    timeoutMs: install.timeoutMs,
  });
}

/**
 * What the observation calls for, or undefined when the tool is as the spec says (or ksit does not install it).
 * `legacyDrift` is the drift text that watches of older workers returned instead of the release itself.
 */
export function installDecision(
  spec: IntegrationSpec,
  report: HealthReport,
  release: ReleaseState | undefined,
  opts: { reinstallRequested?: boolean; installWanted?: string; legacyDrift?: string; manifestDrift?: string } = {},
): InstallDecision | undefined {
  const install = spec.install;
  if (!install) return undefined;
  const drift = driftOf(spec, release);
  if (drift?.kind === 'in-progress') return { kind: 'wait-for-helm-operation', message: drift.message };
  if (drift?.kind === 'stuck' && install.method === 'helm') {
    return { kind: 'recover', recovery: drift.recovery, release: install.releaseName, why: drift.message };
  }
  if (opts.reinstallRequested) return { kind: 'install', reason: 'reinstall requested' };
  if (opts.installWanted) return { kind: 'install', reason: opts.installWanted };
  if (report.absent) return { kind: 'install', reason: `${spec.type} is not installed` };
  if (drift?.kind === 'missing' && install.method === 'helm') {
    return {
      kind: 'installed-by-other-means',
      note: `installed by other means (no Helm release ${install.releaseName}), monitoring only`,
    };
  }
  if (drift) return { kind: 'install', reason: drift.message };
  if (opts.manifestDrift) return { kind: 'install', reason: opts.manifestDrift };
  if (opts.legacyDrift) return { kind: 'install', reason: opts.legacyDrift };
  return undefined;
}
