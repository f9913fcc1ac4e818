// The controller's work queue and Lease must not stop for good when a call never answers.
import { describe, expect, it } from '@jest/globals';
import type { KubeObjects } from '../../../controller/kube-objects.js';
import { LeaderLease } from '../../../controller/leader-lease.js';
import { WorkQueue, withDeadline } from '../../../controller/work-queue.js';

const never = () => new Promise<never>(() => undefined);
const waitUntil = async (cond: () => boolean, ms = 5_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('withDeadline', () => {
  it('passes a result through, and rejects with what was late', async () => {
    await expect(withDeadline(Promise.resolve(7), 100)).resolves.toBe(7);
    await expect(withDeadline(never(), 20, 'lease renewal')).rejects.toThrow(
      'lease renewal did not finish within 0.02s',
    );
  });
});

describe('WorkQueue', () => {
  it('a reconcile that never returns fails at its deadline and frees its slot for the other keys', async () => {
    const done: string[] = [];
    const errors: string[] = [];
    const queue = new WorkQueue(
      async (key) => {
        if (key.startsWith('hang')) return never();
        done.push(key);
      },
      2,
      (key, err) => errors.push(`${key}: ${(err as Error).message}`),
      50,
    );
    // Two slots, both taken by calls that never answer; the third key must still run.
    queue.add('hang-1');
    queue.add('hang-2');
    queue.add('ok');
    await waitUntil(() => done.includes('ok'));
    expect(errors).toEqual([
      'hang-1: reconcile did not finish within 0.05s',
      'hang-2: reconcile did not finish within 0.05s',
    ]);
    queue.stop();
  });
});

describe('LeaderLease', () => {
  it('a renewal that never answers ends leadership, says so, and the next renewal takes it back', async () => {
    let hang = false;
    let stored: { metadata: object; spec?: object } | undefined;
    // Each call runs the options' request middleware as client-node would (AbortSignal.timeout refuses a
    // fractional delay, which a lease of 0.2 s divided by three would give).
    const prepare = async (options?: {
      middleware?: { pre: (ctx: unknown) => { toPromise(): Promise<unknown> } }[];
    }) => {
      for (const m of options?.middleware ?? []) await m.pre({ setSignal: () => undefined }).toPromise();
    };
    const custom = {
      getNamespacedCustomObject: async (_: unknown, options?: Parameters<typeof prepare>[0]) => {
        await prepare(options);
        if (hang) return never();
        if (!stored) throw Object.assign(new Error('not found'), { code: 404 });
        return stored;
      },
      createNamespacedCustomObject: async (
        { body }: { body: typeof stored },
        options?: Parameters<typeof prepare>[0],
      ) => {
        await prepare(options);
        stored = body;
      },
      replaceNamespacedCustomObject: async (
        { body }: { body: typeof stored },
        options?: Parameters<typeof prepare>[0],
      ) => {
        await prepare(options);
        stored = body;
      },
    };
    const changes: boolean[] = [];
    const errors: string[] = [];
    const lease = new LeaderLease({ custom } as unknown as KubeObjects, {
      namespace: 'ns',
      name: 'l',
      identity: 'me',
      durationSeconds: 0.2,
      renewEveryMs: 20,
      onChange: (leader) => changes.push(leader),
      onError: (err) => errors.push((err as Error).message),
    });
    lease.start();
    await waitUntil(() => lease.isLeader());
    hang = true;
    await waitUntil(() => changes.includes(false));
    expect(lease.isLeader()).toBe(false);
    hang = false;
    await waitUntil(() => lease.isLeader());
    expect(changes).toEqual([true, false, true]);
    // The only failures were the renewals that did not answer, and each was reported.
    expect(errors.length).toBeGreaterThan(0);
    expect(new Set(errors)).toEqual(new Set(['lease renewal did not finish within 0.1s']));
    await lease.stop();
  });
});
