// From recorded health checks to the monitoring figures: coverage, lag, duration.
import { percentile } from './report.js';

export interface Check {
  monitor: string;
  scheduledAt: number;
  doneAt: number;
  durationMs: number;
  /** false when the read failed (timeout, refused); such a check does not count as done. */
  ok?: boolean;
}

export interface CheckSummary {
  /** Checks completed within the window. */
  checks: number;
  /** monitors x intervals in the window. */
  expected: number;
  /** Share of monitors with no gap longer than interval + tolerance between completed checks in the window. */
  coveredShare: number;
  /** Monitors that missed at least one interval. */
  missed: number;
  /** Checks whose reads failed (mostly client-side timeouts); they are retried within 5 s. */
  failed: number;
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
  durationP50Ms: number;
  durationP99Ms: number;
}

/**
 * A monitor counts as checked in every interval when, within [t0, t1], no gap between consecutive completed
 * checks (and none from t0 to its first, or from its last to t1) is longer than the interval plus `toleranceMs`
 * (the lag budget). Lag is completion time minus the time the check was due.
 */
export function summarizeChecks(
  all: Check[],
  monitors: string[],
  t0: number,
  t1: number,
  intervalMs: number,
  toleranceMs = 2_000,
): CheckSummary {
  const inWindow = all.filter((c) => c.doneAt >= t0 && c.doneAt <= t1);
  const byMonitor = new Map<string, number[]>(monitors.map((m) => [m, []]));
  for (const c of inWindow) if (c.ok !== false) byMonitor.get(c.monitor)?.push(c.doneAt);
  let covered = 0;
  for (const times of byMonitor.values()) {
    const points = [t0, ...times.sort((a, b) => a - b), t1];
    let worst = 0;
    for (let i = 1; i < points.length; i++) worst = Math.max(worst, points[i]! - points[i - 1]!);
    if (worst <= intervalMs + toleranceMs) covered++;
  }
  const lags = inWindow.map((c) => c.doneAt - c.scheduledAt);
  const durations = inWindow.map((c) => c.durationMs);
  return {
    checks: inWindow.length,
    expected: Math.round((monitors.length * (t1 - t0)) / intervalMs),
    coveredShare: monitors.length ? covered / monitors.length : NaN,
    missed: monitors.length - covered,
    failed: inWindow.filter((c) => c.ok === false).length,
    lagP50Ms: percentile(lags, 50),
    lagP99Ms: percentile(lags, 99),
    lagMaxMs: lags.length ? Math.max(...lags) : NaN,
    durationP50Ms: percentile(durations, 50),
    durationP99Ms: percentile(durations, 99),
  };
}
