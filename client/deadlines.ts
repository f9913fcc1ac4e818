// Every wait the CLI does has an end: the `--timeout` flags, the deadline on a status query, the pause between
// polls. One module, so that a timeout is parsed, reported and enforced the same way in every verb.
import { parseDuration } from '../shared/spec/duration.js';
import { UsageError } from './errors.js';

/** `--timeout 90s|10m|1h`, or `fallback` when the flag is absent; a usage error for anything else. */
export function timeoutFlag(value: string | undefined, fallback: string, usage: string): number {
  const ms = parseDuration(value ?? fallback);
  if (ms === undefined) throw new UsageError(`--timeout "${value}" is not a duration like 90s or 10m`, usage);
  return ms;
}

/** `promise`, or the error `onTimeout` makes once `ms` have passed; the timer never outlives the race. */
export function withDeadline<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/** Sleeps `every` ms, or less when `deadline` (epoch ms) comes first. */
export function sleepUntilNextPoll(every: number, deadline = Infinity): Promise<void> {
  return sleep(Math.min(every, deadline - Date.now()));
}
