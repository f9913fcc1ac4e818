// The listing memo: what an Integration workflow writes and `ksit get integrations` reads back from one
// visibility list.
import { describe, expect, test } from '@jest/globals';
import { listingMemoOf, statusFromListingMemo } from '../../../shared/listing-memo.js';
import type { IntegrationStatus } from '../../../shared/types.js';

const status: IntegrationStatus = {
  name: 'argocd',
  namespace: 'team-a',
  type: 'argocd',
  phase: 'Degraded',
  message: '1/2 clusters Running',
  paused: false,
  createdAt: '2026-11-30T17:00:00.000Z',
  clusters: [
    {
      cluster: 'c1',
      phase: 'Running',
      message: '7/7 components ready',
      lastCheckAt: '2026-11-30T17:10:00.000Z',
      components: [{ kind: 'Deployment', name: 'argocd-server', healthy: true, ready: 1, desired: 1 }],
      transitions: [{ at: '2026-11-30T17:01:00.000Z', phase: 'Running', message: 'x' }],
    },
    { cluster: 'c2', phase: 'Degraded', message: 'CrashLoopBackOff', components: [], transitions: [] },
  ],
};

describe('listing memo', () => {
  test('round-trips what the listing shows, without components, transitions or check times', () => {
    const memo = JSON.parse(JSON.stringify(listingMemoOf(status)));
    expect(JSON.stringify(memo)).not.toContain('lastCheckAt');
    expect(JSON.stringify(memo)).not.toContain('argocd-server');
    const back = statusFromListingMemo(memo);
    expect(back).toEqual({
      ...status,
      clusters: status.clusters.map((c) => ({
        cluster: c.cluster,
        phase: c.phase,
        message: c.message,
        // The last transition's time stands in for the transitions (the controller's lastTransitionTime).
        ...(c.transitions.length ? { since: c.transitions.at(-1)!.at } : {}),
        components: [],
        transitions: [],
        componentCounts: { ready: c.components.filter((x) => x.healthy).length, total: c.components.length },
      })),
    });
  });

  test('a check that changes nothing leaves the memo unchanged (no history event per check)', () => {
    const later = {
      ...status,
      clusters: status.clusters.map((c) => ({ ...c, lastCheckAt: '2026-11-30T17:20:00.000Z' })),
    };
    expect(JSON.stringify(listingMemoOf(later))).toBe(JSON.stringify(listingMemoOf(status)));
  });

  test('an absent or unknown memo is not taken for a status (the CLI asks by query instead)', () => {
    expect(statusFromListingMemo(undefined)).toBeUndefined();
    expect(statusFromListingMemo('x')).toBeUndefined();
    expect(statusFromListingMemo({ ...listingMemoOf(status), v: 2 })).toBeUndefined();
    expect(statusFromListingMemo({ v: 1, name: 'a', phase: 'Running' })).toBeUndefined();
  });
});
