import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import type { Gauge } from 'prom-client';
import type { Logger } from 'pino';
import { KsitCluster, KsitIntegration, KsitPhase, KsitType } from '../../workflows/search-attributes.js';
import { repeatRefresh } from './repeat-refresh.js';

export const FLEET_REFRESH_MS = 30_000;

export interface FleetPair {
  namespace: string;
  integration: string;
  type: string;
  cluster: string;
  phase: string;
}

/** A lifecycle workflow's search attributes as metric labels; undefined for one that has not set them yet. */
export function fleetPairOf(wf: Pick<WorkflowExecutionInfo, 'typedSearchAttributes'>): FleetPair | undefined {
  const sa = wf.typedSearchAttributes;
  const [namespace, integration] = (sa.get(KsitIntegration) ?? '').split('/');
  const cluster = sa.get(KsitCluster);
  const phase = sa.get(KsitPhase);
  if (!namespace || !integration || !cluster || !phase) return undefined;
  return { namespace, integration, type: sa.get(KsitType) ?? '', cluster, phase };
}

/**
 * Every (Integration, cluster) pair of this task queue that is not Running, read from Temporal visibility.
 * ksit_integration_phase comes from the worker running a pair's activity, so a pair that waits on a timer (Failed
 * preflight re-checked every 5 minutes, a rejected install waiting for a new spec, Paused) has no series there.
 * This one covers them. Every worker exports the same series: alert on `max by (...)`.
 */
export class FleetPhases {
  private exported = new Map<string, FleetPair>();

  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly gauge: Gauge,
    private readonly log: Logger,
  ) {}

  /** Refreshes now and then every `everyMs`; returns a function that stops it. */
  start(everyMs = FLEET_REFRESH_MS): () => void {
    return repeatRefresh(
      () => this.refresh(),
      everyMs,
      (err) => this.log.warn({ err }, 'fleet phases: visibility query failed; keeping the last values'),
    );
  }

  async refresh(): Promise<number> {
    const query =
      `TaskQueue = '${this.taskQueue}' AND KsitKind = 'cluster' AND ExecutionStatus = 'Running' ` +
      `AND KsitPhase != 'Running'`;
    const next = new Map<string, FleetPair>();
    for await (const wf of this.client.workflow.list({ query })) {
      const pair = fleetPairOf(wf);
      if (pair) next.set(JSON.stringify(pair), pair);
    }
    for (const [key, pair] of this.exported) if (!next.has(key)) this.gauge.remove({ ...pair });
    for (const pair of next.values()) this.gauge.set({ ...pair }, 1);
    this.exported = next;
    return next.size;
  }
}
