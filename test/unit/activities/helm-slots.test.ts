import { describe, expect, it } from '@jest/globals';
import { ApplicationFailure } from '@temporalio/common';
import { HelmSlots } from '../../../activities/helm/helm-slots.js';
import { FailureType } from '../../../shared/failure-types.js';

/** A job that runs until its `finish` is called, recording when it started. */
function job(log: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return {
    finish: () => finish(),
    run: async () => {
      log.push(`start ${name}`);
      await done;
      log.push(`end ${name}`);
      return name;
    },
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('HelmSlots', () => {
  it('runs at most `max` at once and lets the others in, in arrival order, as slots free up', async () => {
    const slots = new HelmSlots(2);
    const log: string[] = [];
    const jobs = ['a', 'b', 'c', 'd'].map((n) => job(log, n));
    const results = jobs.map((j) => slots.run(j.run, { maxWaitMs: 60_000 }));
    await tick();
    expect(log).toEqual(['start a', 'start b']);
    expect([slots.busy, slots.waiting]).toEqual([2, 2]);

    jobs[1]!.finish();
    await tick();
    expect(log).toEqual(['start a', 'start b', 'end b', 'start c']);
    expect([slots.busy, slots.waiting]).toEqual([2, 1]);

    for (const j of jobs) j.finish();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c', 'd']);
    expect([slots.busy, slots.waiting]).toEqual([0, 0]);
  });

  it('frees the slot when the job throws', async () => {
    const slots = new HelmSlots(1);
    await expect(slots.run(() => Promise.reject(new Error('helm exited 1')), { maxWaitMs: 1_000 })).rejects.toThrow(
      'helm exited 1',
    );
    expect(await slots.run(() => Promise.resolve('next'), { maxWaitMs: 1_000 })).toBe('next');
    expect(slots.busy).toBe(0);
  });

  it('gives up after maxWaitMs with a retryable HelmBusy failure that names the setting, and leaves the queue', async () => {
    const slots = new HelmSlots(1);
    const log: string[] = [];
    const first = job(log, 'first');
    const running = slots.run(first.run, { maxWaitMs: 60_000 });
    const err = await slots.run(() => Promise.resolve('never'), { maxWaitMs: 30 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    const failure = err as ApplicationFailure;
    expect(failure.type).toBe(FailureType.HelmBusy);
    expect(failure.nonRetryable).toBe(false);
    expect(failure.message).toMatch(/already runs 1 Helm processes \(KSIT_MAX_HELM_PROCESSES=1\)/);
    expect(slots.waiting).toBe(0);

    first.finish();
    await running;
    expect(slots.busy).toBe(0); // the slot was not handed to the waiter that left
  });

  it('stops waiting when the activity is cancelled', async () => {
    const slots = new HelmSlots(1);
    const first = job([], 'first');
    const running = slots.run(first.run, { maxWaitMs: 60_000 });
    const cancel = new AbortController();
    const waiting = slots.run(() => Promise.resolve('never'), { maxWaitMs: 60_000, signal: cancel.signal });
    await tick();
    expect(slots.waiting).toBe(1);
    cancel.abort(new Error('activity cancelled'));
    await expect(waiting).rejects.toThrow('activity cancelled');
    expect(slots.waiting).toBe(0);
    first.finish();
    await running;
    expect(slots.busy).toBe(0);
  });

  it('refuses a limit below 1', () => {
    expect(() => new HelmSlots(0)).toThrow('max must be a whole number >= 1, got 0');
  });
});
