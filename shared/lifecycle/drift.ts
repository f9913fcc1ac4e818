// The one set of drift rules: what about a tool's Helm release (or applied manifest) differs from the spec, and
// what that calls for. Both the install decision (workflows/lifecycle) and the health watch (activities/
// watch-health.ts) call these functions, so the two can never disagree. Pure: workflow code imports this file.

/** A Helm release as read from its storage Secrets (see activities/helm/release-state.ts). */
export interface ReleaseState {
  exists: boolean;
  status?: string;
  revision?: number;
  chartVersion?: string;
  /** Highest revision that reached `deployed` or `superseded`, for rollbacks out of pending-*. */
  lastGoodRevision?: number;
  /** How old the latest revision was when it was read (ms): a pending-* one younger than the install timeout may
   * still be running. Absent from releases read by older workers: such a pending release counts as stuck. */
  ageMs?: number;
  /** Labels of the latest revision: Helm's own plus ksit's owner labels (activities/helm/release-owner.ts). */
  labels?: Record<string, string>;
  /** Other Integrations (namespace/name) whose install was refused because this release is not theirs. */
  claimedBy?: string[];
}

/** What the spec wants of the release. */
export interface WantedRelease {
  name: string;
  chartVersion?: string;
  /** The install's Helm timeout: a Helm operation older than this is no longer running anywhere. */
  timeoutMs?: number;
}

/** What gets a release out of an interrupted Helm operation, so that `helm upgrade --install` can run again. */
export type StuckRecovery = { verb: 'rollback'; revision: number } | { verb: 'uninstall' };

export type ReleaseDrift =
  /** No release: reinstall when the components are absent too; otherwise the tool was installed by other means. */
  | { kind: 'missing'; message: string }
  | { kind: 'failed'; message: string }
  /** pending-* or uninstalling, younger than the install timeout: a Helm operation may still run; wait for it. */
  | { kind: 'in-progress'; message: string }
  /** pending-* or uninstalling, older than the install timeout: nothing will finish it; recover, then install. */
  | { kind: 'stuck'; message: string; recovery: StuckRecovery }
  | { kind: 'chart-version'; message: string };

/** Helm statuses that hold a lock on the release: `helm upgrade` refuses to touch it while one is latest. */
export function isLockedStatus(status: string | undefined): boolean {
  return !!status && (status.startsWith('pending-') || status === 'uninstalling');
}

/**
 * A release whose latest revision is `pending-*` (install, upgrade or rollback interrupted) or `uninstalling` (an
 * uninstall interrupted) blocks Helm forever. A pending release goes back to its last good revision, or is
 * uninstalled when it never had one; an interrupted uninstall is finished.
 */
export function stuckRecovery(state: ReleaseState): StuckRecovery | undefined {
  if (!state.exists || !isLockedStatus(state.status)) return undefined;
  if (state.status === 'uninstalling') return { verb: 'uninstall' };
  return state.lastGoodRevision !== undefined
    ? { verb: 'rollback', revision: state.lastGoodRevision }
    : { verb: 'uninstall' };
}

/** Helm's own default (5m) when the spec names no timeout. */
const DEFAULT_TIMEOUT_MS = 5 * 60_000;

/**
 * How `release` differs from `want`, or undefined when it is as the spec says. Messages carry no ages or times, so
 * the same state gives the same message on every check (the watch compares them to decide whether to report).
 */
export function releaseDrift(
  release: ReleaseState | undefined,
  want: WantedRelease | undefined,
): ReleaseDrift | undefined {
  if (!want || !release) return undefined;
  const name = want.name;
  if (!release.exists) return { kind: 'missing', message: `release ${name} is missing` };
  if (isLockedStatus(release.status)) {
    const timeoutMs = want.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const what = `release ${name} is ${release.status} (revision ${release.revision ?? '?'})`;
    const recovery = stuckRecovery(release);
    if (release.ageMs !== undefined && release.ageMs < timeoutMs) {
      return {
        kind: 'in-progress',
        message: `${what}: a Helm operation may still be running; waiting up to the install timeout (${formatMs(timeoutMs)})`,
      };
    }
    if (recovery) {
      return {
        kind: 'stuck',
        message: `release ${name} is stuck in ${release.status} (revision ${release.revision ?? '?'}, older than the install timeout ${formatMs(timeoutMs)})`,
        recovery,
      };
    }
  }
  if (release.status === 'failed') return { kind: 'failed', message: `release ${name} is failed` };
  if (want.chartVersion && release.chartVersion !== want.chartVersion) {
    return {
      kind: 'chart-version',
      message: `release ${name} runs chart ${release.chartVersion ?? 'unknown'}, spec wants ${want.chartVersion}`,
    };
  }
  return undefined;
}

/** A manifest install whose source no longer matches what was applied (content digest), or whose objects are gone. */
export function manifestDrift(
  applied: string | undefined,
  source: string | undefined,
  missingObjects: string[] = [],
): string | undefined {
  if (applied && source && applied !== source) return 'manifest source changed since it was applied';
  if (missingObjects.length > 0) {
    const more = missingObjects.length > 3 ? ` and ${missingObjects.length - 3} more` : '';
    return `manifest objects missing: ${missingObjects.slice(0, 3).join(', ')}${more}`;
  }
  return undefined;
}

function formatMs(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60 || s % 60 !== 0) return `${s}s`;
  return `${s / 60}m`;
}
