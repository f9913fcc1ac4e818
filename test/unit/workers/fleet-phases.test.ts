import { describe, expect, it } from '@jest/globals';
import type { Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import pino from 'pino';
import { FleetPhases, fleetPairOf } from '../../../workers/metrics/fleet-phases.js';
import { createKsitMetrics } from '../../../workers/metrics/registry.js';
import { KsitCluster, KsitIntegration, KsitPhase, KsitType } from '../../../workflows/search-attributes.js';

function lifecycle(integration: string, cluster: string, phase?: string) {
  return {
    typedSearchAttributes: new TypedSearchAttributes([
      { key: KsitIntegration, value: integration },
      { key: KsitCluster, value: cluster },
      { key: KsitType, value: 'argocd' },
      ...(phase ? [{ key: KsitPhase, value: phase }] : []),
    ]),
  };
}

/** A client whose visibility answers with `rows` (what the server would list), recording the queries. */
function clientListing(rows: () => ReturnType<typeof lifecycle>[]) {
  const queries: string[] = [];
  const client = {
    workflow: {
      list: ({ query }: { query: string }) => {
        queries.push(query);
        return (async function* () {
          yield* rows();
        })();
      },
    },
  } as unknown as Client;
  return { client, queries };
}

describe('fleetPairOf', () => {
  it('turns a lifecycle search attributes into pair labels', () => {
    expect(fleetPairOf(lifecycle('ksit-system/argocd', 'prod-eu', 'Failed'))).toEqual({
      namespace: 'ksit-system',
      integration: 'argocd',
      type: 'argocd',
      cluster: 'prod-eu',
      phase: 'Failed',
    });
  });

  it('skips a lifecycle that has not reported a phase yet', () => {
    expect(fleetPairOf(lifecycle('ksit-system/argocd', 'prod-eu'))).toBeUndefined();
  });
});

describe('FleetPhases', () => {
  it('exports the pairs visibility lists as not Running, and drops those that recovered', async () => {
    const metrics = createKsitMetrics();
    let rows = [lifecycle('ksit-system/argocd', 'prod-eu', 'Failed'), lifecycle('ksit-system/argocd', 'dev', 'Paused')];
    const { client, queries } = clientListing(() => rows);
    const fleet = new FleetPhases(client, 'ksit', metrics.fleetPhase, pino({ level: 'silent' }));

    expect(await fleet.refresh()).toBe(2);
    expect(queries[0]).toBe(
      "TaskQueue = 'ksit' AND KsitKind = 'cluster' AND ExecutionStatus = 'Running' AND KsitPhase != 'Running'",
    );
    const first = (await metrics.fleetPhase.get()).values.map((v) => [v.labels.cluster, v.labels.phase, v.value]);
    expect(first).toEqual([
      ['prod-eu', 'Failed', 1],
      ['dev', 'Paused', 1],
    ]);

    rows = [lifecycle('ksit-system/argocd', 'prod-eu', 'Failed')];
    expect(await fleet.refresh()).toBe(1);
    const second = (await metrics.fleetPhase.get()).values.map((v) => [v.labels.cluster, v.labels.phase]);
    expect(second).toEqual([['prod-eu', 'Failed']]);
  });
});
