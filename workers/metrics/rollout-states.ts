import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import type { Gauge } from 'prom-client';
import type { Logger } from 'pino';
import { KsitIntegration, KsitRolloutState, KsitRolloutWave } from '../../workflows/search-attributes.js';
import { FLEET_REFRESH_MS } from './fleet-phases.js';
import { repeatRefresh } from './repeat-refresh.js';

export interface RolloutSeries {
  namespace: string;
  integration: string;
  state: string;
  wave: string;
}

/** An Integration's rollout state and wave from its search attributes; undefined before its first rollout step. */
export function rolloutSeriesOf(wf: Pick<WorkflowExecutionInfo, 'typedSearchAttributes'>): RolloutSeries | undefined {
  const sa = wf.typedSearchAttributes;
  const [namespace, integration] = (sa.get(KsitIntegration) ?? '').split('/');
  const state = sa.get(KsitRolloutState);
  if (!namespace || !integration || !state) return undefined;
  return { namespace, integration, state, wave: sa.get(KsitRolloutWave) ?? '' };
}

/**
 * ksit_rollout_state: 1 for each Integration's current rollout state and wave, read from Temporal visibility (a
 * paused or rolled-back rollout runs no activity, so only visibility knows it). Every worker exports the same
 * series: alert on `max by (...)`.
 */
export class RolloutStates {
  private exported = new Map<string, RolloutSeries>();

  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly gauge: Gauge,
    private readonly log: Logger,
  ) {}

  start(everyMs = FLEET_REFRESH_MS): () => void {
    return repeatRefresh(
      () => this.refresh(),
      everyMs,
      (err) => this.log.warn({ err }, 'rollout states: visibility query failed; keeping the last values'),
    );
  }

  async refresh(): Promise<number> {
    const query = `TaskQueue = '${this.taskQueue}' AND KsitKind = 'integration' AND ExecutionStatus = 'Running'`;
    const next = new Map<string, RolloutSeries>();
    for await (const wf of this.client.workflow.list({ query })) {
      const series = rolloutSeriesOf(wf);
      if (series) next.set(JSON.stringify(series), series);
    }
    for (const [key, series] of this.exported) if (!next.has(key)) this.gauge.remove({ ...series });
    for (const series of next.values()) this.gauge.set({ ...series }, 1);
    this.exported = next;
    return next.size;
  }
}
