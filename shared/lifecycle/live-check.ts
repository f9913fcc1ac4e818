// The health watch's latest check, as it heartbeats it (activities/watch-health.ts), and how readers (describe,
// get -o json) fold it into the lifecycle's recorded status. The watch returns to the workflow only when what it
// sees changes, so the recorded status keeps the last *transition*; readers add the last *check* from here, and a
// status is then never older than one interval plus the heartbeat delay. Pure.
import type { ClusterStatus, ComponentHealth } from '../types.js';

/** The heartbeat details of a running health watch. */
export interface LiveCheck {
  /** When the latest check that reached the cluster finished (epoch ms); absent before the first one. */
  at?: number;
  /** Checks this watch has made (including failed ones). */
  checks: number;
  /** The latest check reached the cluster's API. */
  reachable: boolean;
  /** What the latest check that reached the cluster saw. */
  components?: ComponentHealth[];
}

/** "4/7 components ready": how the Running message counts components (optional ones included). */
export function componentsSummary(components: ComponentHealth[]): string {
  return `${components.filter((c) => c.healthy).length}/${components.length} components ready`;
}

const SUMMARY = /^\d+\/\d+ components ready/;

/** The status with the live check's time, components and (for Running) count, when the check is newer. */
export function freshen(status: ClusterStatus, live: LiveCheck | undefined): ClusterStatus {
  if (!live?.at) return status;
  const recorded = status.lastCheckAt ? Date.parse(status.lastCheckAt) : 0;
  if (live.at <= recorded) return status;
  const fresh: ClusterStatus = { ...status, lastCheckAt: new Date(live.at).toISOString() };
  if (live.components && live.components.length > 0) {
    fresh.components = live.components;
    if (status.phase === 'Running' && SUMMARY.test(status.message)) {
      fresh.message = status.message.replace(SUMMARY, componentsSummary(live.components));
    }
  }
  return fresh;
}
