// What a long run's worker says about its own workflow tasks, for reports: the SDK's counters (sticky cache hits,
// misses and evictions, replays, task latencies) from its /metrics, and its warnings by message from its log.
// Pure over text, so that soak and benchmarks read them the same way.
import { readFileSync } from 'node:fs';

// Counters and histogram totals of the Temporal Core SDK that say how often workflows were replayed and why.
const SDK_COUNTER =
  /^(temporal_sticky_cache_\w+|temporal_workflow_task_\w+_(?:count|sum)|temporal_workflow_task_execution_failed\w*)(?:\{[^}]*\})? (\S+)$/;

/** The SDK counters in a Prometheus text exposition, each summed over its label sets. */
export function sdkCounters(metricsText: string): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const line of metricsText.split('\n')) {
    const m = SDK_COUNTER.exec(line);
    if (!m) continue;
    const value = Number(m[2]);
    if (Number.isFinite(value)) totals[m[1]!] = (totals[m[1]!] ?? 0) + value;
  }
  return totals;
}

/** How far each counter moved between two readings (a counter missing at the first reading started at 0). */
export function counterGrowth(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after).map(([name, value]) => [name, Math.round((value - (before[name] ?? 0)) * 1000) / 1000]),
  );
}

/** Warnings and errors in a pino log (one JSON object a line), counted by message, most frequent first. */
export function warningsByMessage(logText: string, top = 10): { message: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const line of logText.split('\n')) {
    if (!line.startsWith('{')) continue;
    let entry: { level?: number; msg?: string };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      continue; // a line cut off by a kill
    }
    if ((entry.level ?? 0) < 40) continue;
    // Numbers vary per occurrence ("exceeded 5.2 seconds", ids); the message's shape is what is counted.
    const message = (entry.msg ?? '').replace(/\d+(\.\d+)?/g, 'N').slice(0, 160);
    counts.set(message, (counts.get(message) ?? 0) + 1);
  }
  return [...counts]
    .map(([message, count]) => ({ message, count }))
    .sort((a, b) => b.count - a.count)
    .slice(0, top);
}

export const warningsInLog = (logFile: string, top?: number) => warningsByMessage(readFileSync(logFile, 'utf8'), top);
