import { describe, expect, it } from '@jest/globals';
import { manifestDrift, releaseDrift, stuckRecovery, type ReleaseState } from '../../../shared/lifecycle/drift.js';

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

describe('releaseDrift', () => {
  const want = { name: 'argocd', chartVersion: '5.51.6', timeoutMs: 600_000 };
  const deployed: ReleaseState = { exists: true, status: 'deployed', revision: 2, chartVersion: '5.51.6' };

  it.each<[string, ReleaseState | undefined, string | undefined]>([
    ['as the spec says', deployed, undefined],
    ['not read (monitor-only)', undefined, undefined],
    ['missing', { exists: false }, 'missing'],
    ['failed', { ...deployed, status: 'failed' }, 'failed'],
    ['another chart version', { ...deployed, chartVersion: '5.51.5' }, 'chart-version'],
    ['pending-install, 2 minutes old', { ...deployed, status: 'pending-install', ageMs: 120_000 }, 'in-progress'],
    ['pending-upgrade, 11 minutes old', { ...deployed, status: 'pending-upgrade', ageMs: 660_000 }, 'stuck'],
    ['pending-rollback of unknown age (older worker)', { ...deployed, status: 'pending-rollback' }, 'stuck'],
    ['uninstalling, 1 minute old', { ...deployed, status: 'uninstalling', ageMs: 60_000 }, 'in-progress'],
    ['uninstalling, 20 minutes old', { ...deployed, status: 'uninstalling', ageMs: 1_200_000 }, 'stuck'],
  ])('%s -> %s', (_, release, kind) => {
    expect(releaseDrift(release, want)?.kind).toBe(kind);
  });

  it('treats pending-* as stuck only once it is older than the install timeout', () => {
    const pending = { ...deployed, status: 'pending-upgrade', lastGoodRevision: 1 };
    expect(releaseDrift({ ...pending, ageMs: 599_999 }, want)?.kind).toBe('in-progress');
    expect(releaseDrift({ ...pending, ageMs: 600_000 }, want)).toMatchObject({
      kind: 'stuck',
      recovery: { verb: 'rollback', revision: 1 },
    });
  });

  it('gives the same message on every check of the same state (no ages in it)', () => {
    const a = releaseDrift({ ...deployed, status: 'pending-install', ageMs: 1_000 }, want)?.message;
    const b = releaseDrift({ ...deployed, status: 'pending-install', ageMs: 90_000 }, want)?.message;
    expect(a).toBe(b);
    expect(a).toMatch(/release argocd is pending-install \(revision 2\).*install timeout \(10m\)/);
  });

  it('ignores the chart version when the spec names none', () => {
    expect(releaseDrift({ ...deployed, chartVersion: '1.0.0' }, { name: 'argocd' })).toBeUndefined();
  });
});

describe('manifestDrift', () => {
  it('is the source digest changing, or objects gone', () => {
    expect(manifestDrift('sha256:a', 'sha256:a')).toBeUndefined();
    expect(manifestDrift('sha256:a', 'sha256:b')).toMatch(/source changed/);
    expect(manifestDrift(undefined, 'sha256:b')).toBeUndefined();
    expect(manifestDrift('a', 'a', ['Deployment/x', 'Service/y', 'ConfigMap/z', 'Secret/w'])).toBe(
      'manifest objects missing: Deployment/x, Service/y, ConfigMap/z and 1 more',
    );
  });
});
