// A keyed work queue as controllers have it: a key queued twice runs once, one key never runs twice at the same
// time, failures come back with a doubling delay (1 s .. 60 s), and a key can ask to be looked at again later. A
// reconcile that outlives its deadline counts as failed, so a call that never answers cannot hold a worker slot
// (with four slots, four such calls would stop the controller for good).
export type Reconcile = (key: string) => Promise<{ requeueAfterMs?: number } | void>;

export class WorkQueue {
  private readonly queued = new Set<string>();
  private readonly running = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private active = 0;
  private stopped = false;

  constructor(
    private readonly reconcile: Reconcile,
    private readonly concurrency = 4,
    private readonly onError: (key: string, err: unknown) => void = () => undefined,
    private readonly deadlineMs = 120_000,
  ) {}

  add(key: string): void {
    if (this.stopped) return;
    if (this.running.has(key)) {
      this.dirty.add(key);
      return;
    }
    this.queued.add(key);
    this.pump();
  }

  addAfter(key: string, ms: number): void {
    if (this.stopped || this.timers.has(key)) return;
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.add(key);
      }, ms),
    );
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.queued.clear();
  }

  private pump(): void {
    while (this.active < this.concurrency && this.queued.size > 0) {
      const key = this.queued.values().next().value as string;
      this.queued.delete(key);
      this.running.add(key);
      this.active++;
      void this.run(key);
    }
  }

  private async run(key: string): Promise<void> {
    try {
      const result = await withDeadline(this.reconcile(key), this.deadlineMs);
      this.failures.delete(key);
      if (result?.requeueAfterMs !== undefined) this.addAfter(key, result.requeueAfterMs);
    } catch (err) {
      const count = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, count);
      this.onError(key, err);
      this.addAfter(key, Math.min(60_000, 1_000 * 2 ** (count - 1)));
    } finally {
      this.running.delete(key);
      this.active--;
      if (this.dirty.delete(key)) this.queued.add(key);
      this.pump();
    }
  }
}

/** The promise's outcome, or a rejection once `ms` pass (the promise itself runs on; its result is dropped). */
export function withDeadline<T>(promise: Promise<T>, ms: number, what = 'reconcile'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000}s`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
