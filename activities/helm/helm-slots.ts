import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../errors.js';

/** Helm processes one worker runs at once unless KSIT_MAX_HELM_PROCESSES says otherwise. */
export const DEFAULT_HELM_PROCESSES = 4;

/**
 * Caps how many Helm installs and uninstalls one worker runs at once. Each is a Helm process of its own (100-200 MB
 * and a core while it renders and applies), so a fleet-wide rollout to 50 clusters would otherwise start 50 of them
 * in one pod, run out of memory and take every running activity down with it. Waiters are served in arrival order.
 */
export class HelmSlots {
  private running = 0;
  private readonly queue: { grant: () => void }[] = [];

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new Error(`HelmSlots: max must be a whole number >= 1, got ${max}`);
  }

  /** Installs waiting for a slot right now. */
  get waiting(): number {
    return this.queue.length;
  }

  get busy(): number {
    return this.running;
  }

  /**
   * Runs `fn` in a slot. Waits at most `maxWaitMs` for one, then throws a retryable HelmBusy failure, so that the
   * activity is retried later, maybe on a less busy worker, instead of using up its start-to-close time in the
   * queue.
   */
  async run<T>(fn: () => Promise<T>, o: { maxWaitMs: number; signal?: AbortSignal }): Promise<T> {
    await this.acquire(o);
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  private async acquire(o: { maxWaitMs: number; signal?: AbortSignal }) {
    if (this.running < this.max && this.queue.length === 0) {
      this.running++;
      return;
    }
    o.signal?.throwIfAborted();
    await new Promise<void>((resolve, reject) => {
      const entry = { grant: () => done(resolve) };
      this.queue.push(entry);
      const leave = (err: unknown) => {
        const i = this.queue.indexOf(entry);
        if (i >= 0) this.queue.splice(i, 1);
        done(() => reject(err));
      };
      const timer = setTimeout(
        () =>
          leave(
            ApplicationFailure.create({
              type: FailureType.HelmBusy,
              message:
                `this worker already runs ${this.running} Helm processes (KSIT_MAX_HELM_PROCESSES=${this.max}) ` +
                `and ${this.queue.length} more installs wait; waited ${Math.round(o.maxWaitMs / 1000)}s, will retry`,
              nextRetryDelay: '10 seconds',
            }),
          ),
        o.maxWaitMs,
      );
      const onAbort = () => leave(o.signal?.reason);
      o.signal?.addEventListener('abort', onAbort, { once: true });
      function done(settle: () => void) {
        clearTimeout(timer);
        o.signal?.removeEventListener('abort', onAbort);
        settle();
      }
    });
  }

  private release() {
    const next = this.queue.shift();
    // The slot passes straight to the next waiter: `running` stays the same.
    if (next) next.grant();
    else this.running--;
  }
}
