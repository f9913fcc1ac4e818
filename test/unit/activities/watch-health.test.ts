// The health watch's own logic, with a scripted cluster client: which observations it returns and when. The real
// API calls behind it are covered end to end in test/e2e.
import { describe, expect, it } from '@jest/globals';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { ClusterClient, ClusterClients } from '../../../activities/kube/cluster-clients.js';
import { watchHealth, type WatchHealthInput, type WatchHealthResult } from '../../../activities/watch-health.js';
import type { LiveCheck } from '../../../shared/lifecycle/live-check.js';

type Step = 'healthy' | 'unhealthy' | 'refused';

/** A ClusterClients whose one Deployment is ready or not, or whose API refuses connections, per scripted call. */
function scriptedClients(script: Step[]): { clients: ClusterClients; calls: () => number } {
  let call = 0;
  const next = () => script[Math.min(call++, script.length - 1)]!;
  const deployment = (ready: number) => ({
    metadata: { name: 'argocd-server', generation: 1 },
    spec: { replicas: 1, selector: { matchLabels: { app: 'server' } } },
    status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: ready },
  });
  const client = {
    apps: {
      listNamespacedDeployment: async () => {
        const step = next();
        if (step === 'refused') throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
        return { items: [deployment(step === 'healthy' ? 1 : 0)] };
      },
    },
    core: { listNamespacedPod: async () => ({ items: [] }) },
  } as unknown as ClusterClient;
  return { clients: { get: async () => client } as unknown as ClusterClients, calls: () => call };
}

const input = (overrides: Partial<WatchHealthInput> = {}): WatchHealthInput => ({
  cluster: 'cluster-1',
  credentials: { kind: 'file', path: '/dev/null' },
  namespace: 'argocd',
  components: [{ kind: 'Deployment', name: 'argocd-server' }],
  intervalMs: 10,
  returnBy: Date.now() + 60_000,
  unreachableAfterMs: 200,
  ...overrides,
});

function watch(
  clients: ClusterClients,
  i: WatchHealthInput,
  env = new MockActivityEnvironment(),
): Promise<WatchHealthResult> {
  return env.run(watchHealth, clients, i) as Promise<WatchHealthResult>;
}

describe('watchHealth', () => {
  it('returns at once when the first observation differs from the recorded one', async () => {
    const { clients } = scriptedClients(['healthy']);
    const result = await watch(clients, input());
    expect(result.observation).toMatchObject({ kind: 'health', report: { healthy: true } });
    expect(result.checks).toBe(1);
  });

  it('keeps checking while nothing changes and returns on the change, with the reason', async () => {
    const healthy = scriptedClients(['healthy']);
    const first = await watch(healthy.clients, input());
    const { clients, calls } = scriptedClients(['healthy', 'healthy', 'healthy', 'unhealthy']);
    const result = await watch(clients, input({ lastSignature: first.signature }));
    expect(calls()).toBe(4);
    expect(result.observation).toMatchObject({
      kind: 'health',
      report: { healthy: false, reason: 'argocd-server: 0/1 ready' },
    });
  });

  it('does not report a short blip of refused connections: health is unchanged after it', async () => {
    const healthy = scriptedClients(['healthy']);
    const first = await watch(healthy.clients, input());
    const { clients } = scriptedClients(['refused', 'healthy', 'unhealthy']);
    const result = await watch(clients, input({ lastSignature: first.signature, unreachableAfterMs: 60_000 }));
    expect(result.observation.kind).toBe('health');
  });

  it('reports Unreachable once failures have lasted unreachableAfterMs, naming the cause', async () => {
    const { clients } = scriptedClients(['refused']);
    const started = Date.now();
    const result = await watch(clients, input({ intervalMs: 20, unreachableAfterMs: 150 }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(result.observation.kind).toBe('unreachable');
    expect(result.observation.kind === 'unreachable' && result.observation.message).toMatch(
      /cluster cluster-1 unreachable while checking health \(ECONNREFUSED\)/,
    );
  });

  it('returns after the given number of consecutive unhealthy checks even when nothing changed', async () => {
    const unhealthy = scriptedClients(['unhealthy']);
    const first = await watch(unhealthy.clients, input());
    const { clients } = scriptedClients(['unhealthy']);
    const result = await watch(clients, input({ lastSignature: first.signature, returnAfterUnhealthyChecks: 3 }));
    expect(result.consecutiveUnhealthy).toBe(3);
    expect(result.checks).toBe(3);
  });

  it('stops when cancelled (pause), instead of checking on', async () => {
    const healthy = scriptedClients(['healthy']);
    const first = await watch(healthy.clients, input());
    const env = new MockActivityEnvironment();
    const { clients, calls } = scriptedClients(['healthy']);
    const running = watch(clients, input({ lastSignature: first.signature, intervalMs: 50 }), env);
    await new Promise((r) => setTimeout(r, 120));
    env.cancel();
    await expect(running).rejects.toBeDefined();
    const after = calls();
    await new Promise((r) => setTimeout(r, 200));
    expect(calls()).toBe(after);
  });

  // describe and get -o json read these details: what the latest check saw, even though the watch did not return.
  it('heartbeats every check with its time and components, and keeps the last good ones through a failed check', async () => {
    const healthy = scriptedClients(['healthy']);
    const first = await watch(healthy.clients, input());
    const env = new MockActivityEnvironment();
    const beats: LiveCheck[] = [];
    env.on('heartbeat', (d: unknown) => beats.push(structuredClone(d as LiveCheck)));
    const { clients } = scriptedClients(['healthy', 'healthy', 'refused', 'unhealthy']);
    const before = Date.now();
    await watch(clients, input({ lastSignature: first.signature, unreachableAfterMs: 60_000 }), env);
    expect(beats.map((b) => b.checks)).toEqual([1, 2, 3]);
    expect(beats[0]).toMatchObject({
      reachable: true,
      components: [{ name: 'argocd-server', ready: 1, healthy: true }],
    });
    expect(beats[0]!.at).toBeGreaterThanOrEqual(before);
    expect(beats[1]!.at).toBeGreaterThanOrEqual(beats[0]!.at!);
    // A refused check: not reachable, but the time and components of the last good check stay.
    expect(beats[2]).toMatchObject({ reachable: false, at: beats[1]!.at, components: beats[1]!.components });
  });
});
