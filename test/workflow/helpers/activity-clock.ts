import { setTimeout as realSleep } from 'node:timers/promises';
import { ActivityCancelledError, ActivityNotFoundError } from '@temporalio/client';
import type { ActivityCancellationDetails } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';

/**
 * How a long-running fake activity (the health watch) naps through workflow time on the Java time-skipping
 * server without upsetting the server's count of time-skipping locks, which must come back to zero whenever the
 * test sleeps, or the clock falls back to real time for the rest of the file (a 30-minute wait then takes 30 real
 * minutes, or looks like a hang).
 *
 * The server holds one lock per running activity, from schedule to completion; `env.sleep` gives one lock up for
 * the nap and takes one back when the nap ends. So a napping watch lets time pass and an awake one holds it. Three
 * rules keep the count balanced:
 * - heartbeat, and wait for the server's answer, before napping: the clock is still held then, so the server
 *   never skips past a heartbeat timeout it has not been told about;
 * - when cancelled mid-nap, finish only after the nap has ended (the server takes its lock back then and
 *   releases the activity's lock when the cancellation is reported);
 * - when the workflow is gone (terminated: the heartbeat answers "not found"), give back the activity's lock
 *   ourselves, since the server never releases the locks of a terminated workflow's activities.
 */
export class ActivityClock {
  constructor(
    private readonly env: TestWorkflowEnvironment,
    /** Registers a server call still in flight, so the test waits for it before the server goes away. */
    private readonly track: <T>(p: Promise<T>) => Promise<T>,
    private readonly cancellation: () => ActivityCancellationDetails | undefined,
    /** Records a heartbeat and waits for the server's answer (throws ActivityCancelledError / NotFoundError). */
    private readonly confirmHeartbeat: () => Promise<void>,
    /** Told when this activity gave its lock back itself (its workflow was gone). */
    private readonly gaveBack: () => void = () => undefined,
  ) {}

  /** Heartbeats, then naps `ms` of workflow time or until `signal` aborts (then throws its reason). */
  async nap(ms: number, heartbeat: () => void, signal: AbortSignal): Promise<void> {
    heartbeat(); // the SDK's own heartbeat: how a cancel reaches `signal`
    // The SDK sends heartbeats in the background; this one is answered before the nap lets time run, so the server
    // never skips past a heartbeat timeout it has not been told about, however busy the machine.
    try {
      await this.track(this.confirmHeartbeat());
    } catch (err) {
      if (err instanceof ActivityNotFoundError) return this.gone(signal);
      if (!(err instanceof ActivityCancelledError)) throw err;
      await this.untilAborted(signal, heartbeat);
    }
    if (signal.aborted) return this.cancelled(signal);
    const napping = this.track(this.env.sleep(ms)).then(
      () => true,
      () => false,
    );
    const aborted = new Promise<'aborted'>((resolve) =>
      signal.addEventListener('abort', () => resolve('aborted'), { once: true }),
    );
    const outcome = await Promise.race([napping, aborted]);
    if (outcome === 'aborted') {
      await napping;
      return this.cancelled(signal);
    }
    if (!outcome) throw new Error('the time-skipping test server went away during a nap');
  }

  /** The server said "cancelled": wait (awake, so holding the clock) until the SDK has heard it too. */
  private async untilAborted(signal: AbortSignal, heartbeat: () => void): Promise<void> {
    for (let i = 0; i < 500 && !signal.aborted; i++) {
      heartbeat();
      await realSleep(10);
    }
  }

  /** The workflow is gone: give back the activity's lock (the server never will), then end. */
  private async gone(signal: AbortSignal): Promise<never> {
    await this.track(this.service().unlockTimeSkipping({})).then(this.gaveBack, () => undefined);
    throw signal.reason ?? new Error('the workflow of this activity is gone');
  }

  private async cancelled(signal: AbortSignal): Promise<never> {
    if (this.cancellation()?.notFound) return this.gone(signal);
    throw signal.reason;
  }

  private service() {
    const service = this.env.connection.testService;
    if (!service) throw new Error('not a time-skipping test environment');
    return service;
  }
}
