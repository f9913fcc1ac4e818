// A worker shutting down makes a long health watch end at once with a retryable WorkerShutdown failure (so the
// server retries it on another worker), and each check tells the metrics whether the cluster answered.
import { describe, expect, it } from '@jest/globals';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { ClusterClient, ClusterClients } from '../../../activities/kube/cluster-clients.js';
import {
  type CheckEvent,
  watchHealth,
  type WatchHealthInput,
  type WatchHealthResult,
} from '../../../activities/watch-health.js';
import { FailureType } from '../../../shared/failure-types.js';

function clients(answer: () => number | 'refused'): ClusterClients {
  const client = {
    apps: {
      listNamespacedDeployment: async () => {
        const ready = answer();
        if (ready === 'refused')
          throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
        return {
          items: [
            {
              metadata: { name: 'argocd-server', generation: 1 },
              spec: { replicas: 1, selector: { matchLabels: { app: 'server' } } },
              status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: ready },
            },
          ],
        };
      },
    },
    core: { listNamespacedPod: async () => ({ items: [] }) },
  } as unknown as ClusterClient;
  return { get: async () => client } as unknown as ClusterClients;
}

const input = (overrides: Partial<WatchHealthInput> = {}): WatchHealthInput => ({
  cluster: 'cluster-1',
  credentials: { kind: 'file', path: '/dev/null' },
  namespace: 'argocd',
  components: [{ kind: 'Deployment', name: 'argocd-server' }],
  intervalMs: 60_000,
  returnBy: Date.now() + 3_600_000,
  unreachableAfterMs: 60_000,
  lastSignature: JSON.stringify([true, false, '', '']),
  ...overrides,
});

describe('watchHealth and worker shutdown', () => {
  it('fails its attempt at once, retryable, when the worker starts shutting down mid-watch', async () => {
    const shutdown = new AbortController();
    const events: CheckEvent[] = [];
    const watching = new MockActivityEnvironment().run(
      watchHealth,
      clients(() => 1),
      input(),
      (e: CheckEvent) => events.push(e),
      shutdown.signal,
    );
    await new Promise((r) => setTimeout(r, 200));
    const before = Date.now();
    shutdown.abort();
    const err = await watching.then(
      () => undefined,
      (e: unknown) => e,
    );
    // Well under the one-minute interval (and the hour), with room for a loaded machine.
    expect(Date.now() - before).toBeLessThan(15_000);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: FailureType.WorkerShutdown, nonRetryable: false });
    expect(events).toHaveLength(1);
  });

  it('does not start a check when the worker is already shutting down', async () => {
    const shutdown = new AbortController();
    shutdown.abort();
    let calls = 0;
    const err = await new MockActivityEnvironment()
      .run(
        watchHealth,
        clients(() => (calls++, 1)),
        input(),
        undefined,
        shutdown.signal,
      )
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ type: FailureType.WorkerShutdown });
    expect(calls).toBe(0);
  });

  it('reports each check as reachable or not, with when it was due and when it started', async () => {
    const script: (number | 'refused')[] = ['refused', 1];
    const events: CheckEvent[] = [];
    const result = (await new MockActivityEnvironment().run(
      watchHealth,
      clients(() => script.shift() ?? 0),
      input({
        intervalMs: 10,
        lastSignature: undefined,
        pair: { namespace: 'n', integration: 'i', type: 't', cluster: 'c' },
      }),
      (e: CheckEvent) => events.push(e),
    )) as WatchHealthResult;
    expect(result.observation.kind).toBe('health');
    expect(events.map((e) => [e.reachable, e.healthy, e.unreachable])).toEqual([
      [false, undefined, false],
      [true, true, false],
    ]);
    expect(events[0]?.pair).toEqual({ namespace: 'n', integration: 'i', type: 't', cluster: 'c' });
    expect(events[1]!.startedAt).toBeGreaterThanOrEqual(events[1]!.scheduledAt);
  });
});
