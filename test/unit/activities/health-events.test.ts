// How a health watch reacts to its namespace's workload events: a change wakes it (after the burst settles), a
// quiet namespace lets it sleep until the interval, bursts are rate-limited, and a stopped activity stops waiting.
import { describe, expect, test } from '@jest/globals';
import { HealthEvents } from '../../../activities/health/health-events.js';
import type { ClusterClient } from '../../../activities/kube/cluster-clients.js';
import type { WorkloadWatchCache } from '../../../activities/kube/watch-cache.js';
import type { Workload } from '../../../activities/health/workload-health.js';

/** Stands in for the cache: records subscriptions and lets the test fire changes. */
function fakeCache() {
  const listeners: (() => void)[] = [];
  let fresh: Workload[] | undefined = [];
  let closed = 0;
  const cache = {
    subscribe: (_c: ClusterClient, _ns: string, _kinds: string[], onChange: () => void) => {
      listeners.push(onChange);
      return { snapshot: () => fresh, close: () => closed++ };
    },
  } as unknown as WorkloadWatchCache;
  return {
    cache,
    fire: () => listeners.forEach((l) => l()),
    setFresh: (w: Workload[] | undefined) => (fresh = w),
    listeners,
    closed: () => closed,
  };
}

const client = {} as ClusterClient;

describe('health events', () => {
  test('a change wakes the watch within moments; without one it waits the whole time', async () => {
    const f = fakeCache();
    const events = new HealthEvents(f.cache, 'ns', ['Deployment']);
    events.use(client);
    const stop = new AbortController().signal;
    const t0 = Date.now();
    expect(await events.next(300, stop, false)).toBe(false);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);

    // Wait out the minimum gap of an earlier event check, then fire.
    const t1 = Date.now();
    setTimeout(f.fire, 50);
    expect(await events.next(5_000, stop, false)).toBe(true);
    expect(Date.now() - t1).toBeLessThan(1_000);
  });

  test('a burst of events is one check, and a second burst within the minimum gap waits for it', async () => {
    const f = fakeCache();
    const events = new HealthEvents(f.cache, 'ns', ['Deployment']);
    events.use(client);
    const stop = new AbortController().signal;
    for (let i = 0; i < 10; i++) f.fire();
    expect(await events.next(5_000, stop, false)).toBe(true);
    const t = Date.now();
    f.fire();
    expect(await events.next(5_000, stop, false)).toBe(true);
    expect(Date.now() - t).toBeGreaterThanOrEqual(900); // 1 s between event checks
    // Not enough time left for the gap: the interval check comes first.
    f.fire();
    expect(await events.next(300, stop, false)).toBe(false);
  });

  test('while unhealthy, event checks are further apart, but a recovery is still seen within 2 s', async () => {
    const f = fakeCache();
    const events = new HealthEvents(f.cache, 'ns', ['Deployment']);
    events.use(client);
    const stop = new AbortController().signal;
    f.fire();
    expect(await events.next(5_000, stop, true)).toBe(true);
    const t = Date.now();
    f.fire();
    expect(await events.next(5_000, stop, true)).toBe(true);
    expect(Date.now() - t).toBeGreaterThanOrEqual(1_900);
    expect(Date.now() - t).toBeLessThan(2_500);
  });

  test('the cached lists come from the subscription, and are absent when the cache is not fresh', () => {
    const f = fakeCache();
    const events = new HealthEvents(f.cache, 'ns', ['Deployment']);
    expect(events.cached('Deployment')).toBeUndefined(); // not subscribed yet
    events.use(client);
    expect(events.cached('Deployment')).toEqual([]);
    f.setFresh(undefined);
    expect(events.cached('Deployment')).toBeUndefined();
    events.use(client); // same clients: same subscription
    expect(f.listeners).toHaveLength(1);
    events.use({} as ClusterClient); // rotated credentials: a new one, the old one closed
    expect(f.listeners).toHaveLength(2);
    expect(f.closed()).toBe(1);
    events.close();
    expect(f.closed()).toBe(2);
  });

  test('without a cache (KSIT_HEALTH_SOURCE=poll) it only waits, and reads nothing from memory', async () => {
    const events = new HealthEvents(undefined, 'ns', ['Deployment']);
    events.use(client);
    expect(events.cached('Deployment')).toBeUndefined();
    expect(await events.next(100, new AbortController().signal, false)).toBe(false);
  });

  test('an abort ends the wait at once', async () => {
    const f = fakeCache();
    const events = new HealthEvents(f.cache, 'ns', ['Deployment']);
    events.use(client);
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('cancelled')), 50);
    const t = Date.now();
    await expect(events.next(10_000, ac.signal, false)).rejects.toThrow('cancelled');
    expect(Date.now() - t).toBeLessThan(1_000);
    await expect(events.next(10_000, ac.signal, false)).rejects.toThrow('cancelled');
  });
});
