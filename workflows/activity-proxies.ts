import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { InstallSpec } from '../shared/types.js';

// Transient failures (unreachable API, 5xx) are retried here with backoff before a workflow ever sees them;
// non-retryable ones (Forbidden, InstallRejected, BadCredentials) come back at once.
const retry = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '20s', maximumAttempts: 5 };

/**
 * Short cluster calls: preflight, observe, probe, resolve. Each API request in them has a 10 s deadline and they
 * make at most three rounds of requests, so 45 s is ample. The bound matters when a task is lost: a Temporal server
 * under load can record an activity as started while the worker never receives it (seen on PostgreSQL Temporal in a
 * ramp of 300 monitors), and then only this timeout sends it again; at 2 minutes those monitors started 2 minutes late.
 */
export const clusterActivities = proxyActivities<Activities>({ startToCloseTimeout: '45 seconds', retry });

/** Install and uninstall: as long as the spec's Helm timeout allows, heartbeating so a dead worker is noticed. */
export function installActivities(install: InstallSpec) {
  const timeoutMs = install.method === 'helm' ? install.timeoutMs : 10 * 60 * 1000;
  return proxyActivities<Activities>({
    startToCloseTimeout: timeoutMs + 5 * 60 * 1000,
    heartbeatTimeout: '1 minute',
    retry: { ...retry, maximumAttempts: 3 },
  });
}

/**
 * How soon the server gives a dead worker's health watch to another worker. A watch heartbeats every 4 s while it
 * waits; the SDK sends at most one heartbeat per min(0.8 x this timeout, the worker's maxHeartbeatThrottleInterval
 * of 8 s) = 8 s, which leaves 5 s for a heartbeat to reach a busy server before this timeout. Heartbeats are most of
 * what a fleet at rest costs the Temporal server (a write each: 125 per second at 1,000 watches; it was 200 at a
 * 5 s throttle). A SIGKILLed worker's monitors are checked again by another worker within this timeout + the 1 s
 * retry backoff + the first check: within 15 s (kspec's failover promise), whatever the health interval
 * (BENCHMARKS.md, bench:failover).
 */
export const WATCH_HEARTBEAT_TIMEOUT_MS = 13_000;

/** The health watch runs until something changes or its deadline; heartbeats prove it is alive meanwhile. */
export function watchActivities(intervalMs: number, durationMs: number) {
  return proxyActivities<Activities>({
    startToCloseTimeout: durationMs + intervalMs + 5 * 60 * 1000,
    heartbeatTimeout: WATCH_HEARTBEAT_TIMEOUT_MS,
    retry: { ...retry, maximumAttempts: 10 },
  });
}
