import { describe, expect, it } from '@jest/globals';
import type { Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import pino from 'pino';
import { createKsitMetrics } from '../../../workers/metrics/registry.js';
import { RolloutStates, rolloutSeriesOf } from '../../../workers/metrics/rollout-states.js';
import { KsitIntegration, KsitRolloutState, KsitRolloutWave } from '../../../workflows/search-attributes.js';

function integration(name: string, state?: string, wave?: string) {
  return {
    typedSearchAttributes: new TypedSearchAttributes([
      { key: KsitIntegration, value: name },
      ...(state ? [{ key: KsitRolloutState, value: state }] : []),
      ...(wave ? [{ key: KsitRolloutWave, value: wave }] : []),
    ]),
  };
}

describe('RolloutStates', () => {
  it('reads state and wave from search attributes; none before the first rollout step', () => {
    expect(rolloutSeriesOf(integration('ksit-system/argocd', 'Paused', 'staging'))).toEqual({
      namespace: 'ksit-system',
      integration: 'argocd',
      state: 'Paused',
      wave: 'staging',
    });
    expect(rolloutSeriesOf(integration('ksit-system/argocd'))).toBeUndefined();
  });

  it('exports one series per Integration and drops the one it replaced', async () => {
    let rows = [integration('ksit-system/argocd', 'Progressing', 'canary'), integration('ksit-system/flux')];
    const queries: string[] = [];
    const client = {
      workflow: {
        list: ({ query }: { query: string }) => {
          queries.push(query);
          return (async function* () {
            yield* rows;
          })();
        },
      },
    } as unknown as Client;
    const metrics = createKsitMetrics();
    const states = new RolloutStates(client, 'ksit', metrics.rolloutState, pino({ level: 'silent' }));
    expect(await states.refresh()).toBe(1);
    expect(queries[0]).toBe("TaskQueue = 'ksit' AND KsitKind = 'integration' AND ExecutionStatus = 'Running'");
    rows = [integration('ksit-system/argocd', 'RolledBack', 'staging')];
    await states.refresh();
    const values = (await metrics.rolloutState.get()).values.map((v) => [v.labels.state, v.labels.wave, v.value]);
    expect(values).toEqual([['RolledBack', 'staging', 1]]);
  });
});
