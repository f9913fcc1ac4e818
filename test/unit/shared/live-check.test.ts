import { describe, expect, it } from '@jest/globals';
import { componentsSummary, freshen } from '../../../shared/lifecycle/live-check.js';
import type { ClusterStatus, ComponentHealth } from '../../../shared/types.js';

const comp = (name: string, healthy: boolean): ComponentHealth => ({
  kind: 'Deployment',
  name,
  ready: healthy ? 1 : 0,
  desired: 1,
  healthy,
});
const seven = (ready: number) => Array.from({ length: 7 }, (_, i) => comp(`c${i}`, i < ready));

const recorded: ClusterStatus = {
  cluster: 'cluster-2',
  phase: 'Running',
  message: '4/7 components ready',
  components: seven(4),
  lastCheckAt: '2026-11-30T18:00:00.000Z',
  transitions: [],
};

describe('freshen', () => {
  // The bug this fixes: describe showed "Running 4/7, last check 2m ago" while the watch saw 7/7 every 10 s.
  it('takes the newer live check: time, components and the Running count', () => {
    const at = Date.parse('2026-11-30T18:02:00Z');
    const fresh = freshen(recorded, { at, checks: 12, reachable: true, components: seven(7) });
    expect(fresh.lastCheckAt).toBe('2026-11-30T18:02:00.000Z');
    expect(fresh.message).toBe('7/7 components ready');
    expect(fresh.components.every((c) => c.healthy)).toBe(true);
    expect(fresh.phase).toBe('Running');
  });

  it('keeps a note after the count', () => {
    const noted = { ...recorded, message: '4/7 components ready; installed by other means (no Helm release x)' };
    const fresh = freshen(noted, {
      at: Date.parse('2026-11-30T18:01:00Z'),
      checks: 2,
      reachable: true,
      components: seven(5),
    });
    expect(fresh.message).toBe('5/7 components ready; installed by other means (no Helm release x)');
  });

  it('ignores an older or missing live check', () => {
    expect(freshen(recorded, undefined)).toBe(recorded);
    expect(freshen(recorded, { checks: 1, reachable: false })).toBe(recorded);
    expect(freshen(recorded, { at: Date.parse('2026-11-30T17:59:00Z'), checks: 1, reachable: true })).toBe(recorded);
  });

  it('leaves the message of other phases alone (their reason is what the watch reports on)', () => {
    const degraded = { ...recorded, phase: 'Degraded' as const, message: 'c4: 0/1 ready, CrashLoopBackOff' };
    const fresh = freshen(degraded, {
      at: Date.parse('2026-11-30T18:01:00Z'),
      checks: 2,
      reachable: true,
      components: seven(4),
    });
    expect(fresh.message).toBe(degraded.message);
    expect(fresh.lastCheckAt).toBe('2026-11-30T18:01:00.000Z');
  });

  it('counts components as the Running message does', () => {
    expect(componentsSummary(seven(3))).toBe('3/7 components ready');
  });
});
