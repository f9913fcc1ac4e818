// How much work one spec may ask of the workers, and what in it could be read as something else by Helm. The
// schema (schema.ts) applies these at the edge, with messages that name the limit and the fix.
import { z } from 'zod';
import { formatDuration, parseDuration } from './duration.js';
import type { SplitValues } from './helm-values.js';

/**
 * The shortest health check interval a spec may ask for. An operator may lower it (e.g. a test environment) with
 * KSIT_MIN_HEALTH_INTERVAL, read by the CLI and by anything else that validates specs; never below 1s.
 */
export function minHealthIntervalMs(
  env: NodeJS.ProcessEnv = typeof process === 'undefined' ? {} : process.env,
): number {
  const set = env.KSIT_MIN_HEALTH_INTERVAL ? parseDuration(env.KSIT_MIN_HEALTH_INTERVAL) : undefined;
  return Math.max(1_000, set ?? 10_000);
}

export const MAX_INSTALL_TIMEOUT_MS = 60 * 60_000;
/** Helm stores a release (values included) in one Secret of at most 1 MiB; values past this are a mistake. */
export const MAX_VALUES_BYTES = 512 * 1024;
export const MAX_TARGET_CLUSTERS = 500;

/** A bound on a parsed duration; `setting` names what sets the minimum, when an operator can. */
export function durationWithin(what: string, minMs: number, maxMs: number, setting?: string) {
  return (ms: number, ctx: z.RefinementCtx) => {
    const by = setting ? ` (the operator's minimum, ${setting})` : '';
    if (ms < minMs) ctx.addIssue({ code: 'custom', message: `${what} must be at least ${formatDuration(minMs)}${by}` });
    if (ms > maxMs) ctx.addIssue({ code: 'custom', message: `${what} must be at most ${formatDuration(maxMs)}` });
  };
}

/** A value's size as Helm would get it (JSON), checked against MAX_VALUES_BYTES. */
export function valuesSizeProblem(values: SplitValues): string | undefined {
  const size = Buffer.byteLength(JSON.stringify(values.values)) + Buffer.byteLength(JSON.stringify(values.setValues));
  return size > MAX_VALUES_BYTES
    ? `values are ${Math.ceil(size / 1024)} KiB, more than the ${MAX_VALUES_BYTES / 1024} KiB limit; put large ` +
        'configuration in a ConfigMap the chart reads, not in values'
    : undefined;
}

// A flat --set key: dot-separated names, each letters, digits, '_', '-', '/' or an escaped dot ('\.'), with
// optional [N] indexes. No '=', ',' or other characters Helm's parser would read as the end of a key or a new one.
const SET_KEY = /^([A-Za-z0-9_/-]|\\\.)+(\[\d+\])*(\.([A-Za-z0-9_/-]|\\\.)+(\[\d+\])*)*$/;
export function setKeyProblem(key: string): string | undefined {
  return SET_KEY.test(key)
    ? undefined
    : `"${key}" is not a plain --set path: use names of letters, digits, '_', '-' and '/' joined by '.', with [N] ` +
        "indexes and '\\.' for a dot inside a name; or nest the values as maps";
}

// Chart names and versions reach Helm as arguments: nothing that starts like a flag, no spaces, no separators.
export const chartName = z
  .string()
  .min(1, 'must not be empty')
  .max(253, 'a chart name must be at most 253 characters')
  .regex(
    /^[A-Za-z0-9_/.][A-Za-z0-9_/.@:-]*$/,
    "a chart name must be letters, digits, '_', '-', '.', '/' (a local path) and must not start with '-'",
  );

export const chartVersionChars = /^[0-9A-Za-z.^~<>=*|+ ,-]+$/;
export const CHART_VERSION_MESSAGE =
  'a chart version must be a version or range like "5.51.6", "~5.51" or ">=5.0 <6.0" and must not start with \'-\'';

/** Repository URLs carry no credentials (ksit passes none; a token in a URL ends up in history and logs). */
export function repositoryProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'must be a URL';
  }
  if (parsed.username || parsed.password) return 'must not carry credentials (user:password@)';
  return undefined;
}
