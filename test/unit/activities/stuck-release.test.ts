import { describe, expect, it } from '@jest/globals';
import { stuckRecovery } from '../../../activities/helm/stuck-release.js';

describe('stuckRecovery', () => {
  it('leaves deployed, failed and absent releases to helm upgrade --install', () => {
    expect(stuckRecovery({ exists: false })).toBeUndefined();
    expect(stuckRecovery({ exists: true, status: 'deployed', revision: 3, lastGoodRevision: 3 })).toBeUndefined();
    expect(stuckRecovery({ exists: true, status: 'failed', revision: 1 })).toBeUndefined();
  });

  it('rolls a pending release back to its last good revision, or uninstalls one that never had one', () => {
    expect(stuckRecovery({ exists: true, status: 'pending-upgrade', revision: 4, lastGoodRevision: 3 })).toEqual({
      verb: 'rollback',
      revision: 3,
    });
    expect(stuckRecovery({ exists: true, status: 'pending-install', revision: 1 })).toEqual({ verb: 'uninstall' });
  });

  // Found by test/faults/worker-kill-installs: a worker killed while uninstalling a pending-install release left it
  // `uninstalling`, and every later `helm upgrade --install` failed with "has no deployed releases".
  it('finishes an interrupted uninstall', () => {
    expect(stuckRecovery({ exists: true, status: 'uninstalling', revision: 1 })).toEqual({ verb: 'uninstall' });
    expect(stuckRecovery({ exists: true, status: 'uninstalling', revision: 5, lastGoodRevision: 4 })).toEqual({
      verb: 'uninstall',
    });
  });
});
