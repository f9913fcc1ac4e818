import { DefaultLogger, type LogEntry } from '@temporalio/worker';
import type { Logger as Pino } from 'pino';

const LEVELS = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/**
 * The Temporal SDK's own log lines (activity failures, workflow task failures, workflow `log` calls) written by the
 * worker's pino logger, so that they get the same redaction (workers/logger.ts) and format as ksit's own lines,
 * instead of the SDK's default console output.
 */
export function sdkLogger(log: Pino, level: string): DefaultLogger {
  const sdkLevel = (Object.keys(LEVELS) as Array<keyof typeof LEVELS>).find((k) => LEVELS[k] === level) ?? 'INFO';
  return new DefaultLogger(sdkLevel, (entry: LogEntry) => {
    log[LEVELS[entry.level]]({ sdk: true, ...entry.meta }, entry.message);
  });
}
