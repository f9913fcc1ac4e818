import type { ReleaseState } from './release-state.js';

/** What gets a release out of an interrupted Helm operation, so that `helm upgrade --install` can run again. */
export type StuckRecovery = { verb: 'rollback'; revision: number } | { verb: 'uninstall' };

/**
 * A release whose latest revision is `pending-*` (install, upgrade or rollback interrupted) or `uninstalling`
 * (an uninstall interrupted, e.g. the worker killed while recovering a pending install) blocks Helm: upgrade
 * says "has no deployed releases" or "another operation is in progress" forever. A pending release goes back to
 * its last good revision, or is uninstalled when it never had one; an interrupted uninstall is finished.
 */
export function stuckRecovery(state: ReleaseState): StuckRecovery | undefined {
  if (!state.exists || !state.status) return undefined;
  if (state.status === 'uninstalling') return { verb: 'uninstall' };
  if (!state.status.startsWith('pending-')) return undefined;
  return state.lastGoodRevision !== undefined
    ? { verb: 'rollback', revision: state.lastGoodRevision }
    : { verb: 'uninstall' };
}
