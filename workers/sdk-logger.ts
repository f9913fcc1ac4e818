import { DefaultLogger, type LogLevel } from '@temporalio/worker';
import type { Logger as Pino } from 'pino';

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * The Temporal SDK's logger, writing through our pino logger: workflow logs (phase transitions, with integration,
 * cluster, from, to and reason), activity and worker logs land in the same JSON stream with the same redaction.
 */
export function sdkLogger(log: Pino, level: LogLevel = 'INFO'): DefaultLogger {
  return new DefaultLogger(level, ({ level: l, message, meta }) => log[LEVELS[l]]({ ...meta }, message));
}
