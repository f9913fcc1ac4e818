// The lifetime and values of the per-pair series, driven by the activities' events the way a worker sees them.
import { beforeEach, describe, expect, it } from '@jest/globals';
import type { CheckEvent, PairRef } from '../../../activities/watch-health.js';
import { PairSeries } from '../../../workers/metrics/pair-series.js';
import { createKsitMetrics, type KsitMetrics } from '../../../workers/metrics/registry.js';

const pair: PairRef = { namespace: 'ksit-system', integration: 'argocd', type: 'argocd', cluster: 'cluster-1' };
const other: PairRef = { ...pair, integration: 'prometheus', type: 'prometheus' };

function check(p: PairRef | undefined, overrides: Partial<CheckEvent> = {}): CheckEvent {
  return {
    cluster: 'cluster-1',
    pair: p,
    healthy: true,
    reachable: true,
    unreachable: false,
    durationMs: 120,
    scheduledAt: 1_000,
    startedAt: 3_000,
    at: 3_200,
    componentsReady: 7,
    componentsTotal: 7,
    ...overrides,
  };
}

let metrics: KsitMetrics;
let series: PairSeries;
let pending: { fn: () => void; ms: number; cancelled: boolean }[];

/** Runs the expiries scheduled so far (what the timers would do once the linger is over). */
function lingerPasses() {
  for (const t of pending.splice(0)) if (!t.cancelled) t.fn();
}

/** Histogram values carry the sample's own name (`_sum`, `_count`, `_bucket`). */
const nameOf = (v: object) => (v as { metricName?: string }).metricName ?? '';

async function values(name: string) {
  const metric = metrics.registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  return (await metric.get()).values;
}

async function phases(p: PairRef) {
  const all = await values('ksit_integration_phase');
  return Object.fromEntries(
    all.filter((v) => v.labels.integration === p.integration).map((v) => [v.labels.phase, v.value]),
  );
}

async function healthy(p: PairRef) {
  return (await values('ksit_integration_healthy')).find((v) => v.labels.integration === p.integration)?.value;
}

beforeEach(() => {
  metrics = createKsitMetrics();
  pending = [];
  series = new PairSeries(metrics, 15_000, (fn, ms) => {
    const t = { fn, ms, cancelled: false };
    pending.push(t);
    return () => (t.cancelled = true);
  });
});

describe('PairSeries', () => {
  it('exports the phase the watch started with: 1 for it, 0 for the seven others', async () => {
    series.onPair({ pair, phase: 'Running', state: 'started' });
    const p = await phases(pair);
    expect(Object.keys(p)).toHaveLength(8);
    expect(p).toMatchObject({ Running: 1, Degraded: 0, Failed: 0, Unreachable: 0 });
  });

  it('sets health from checks: 1, then 0 on an unhealthy check', async () => {
    series.onPair({ pair, phase: 'Running', state: 'started' });
    expect(await healthy(pair)).toBeUndefined();
    series.onCheck(check(pair));
    expect(await healthy(pair)).toBe(1);
    series.onCheck(check(pair, { healthy: false }));
    expect(await healthy(pair)).toBe(0);
  });

  it('keeps health through a blip of failed calls, and sets it 0 once the watch reports Unreachable', async () => {
    series.onPair({ pair, phase: 'Running', state: 'started' });
    series.onCheck(check(pair));
    series.onCheck(check(pair, { healthy: undefined, reachable: false }));
    expect(await healthy(pair)).toBe(1);
    const reachable = await values('ksit_cluster_reachable');
    expect(reachable).toEqual([expect.objectContaining({ labels: { cluster: 'cluster-1' }, value: 0 })]);
    series.onCheck(check(pair, { healthy: undefined, reachable: false, unreachable: true }));
    expect(await healthy(pair)).toBe(0);
  });

  it('observes check duration by result and lag from when the check was due', async () => {
    series.onCheck(check(pair, { healthy: false, durationMs: 250 }));
    series.onCheck(check(pair, { healthy: undefined, reachable: false }));
    const durations = await values('ksit_health_check_duration_seconds');
    const count = (result: string) =>
      durations.find((v) => nameOf(v).endsWith('_count') && v.labels.result === result)?.value;
    expect(count('unhealthy')).toBe(1);
    expect(count('unreachable')).toBe(1);
    const lagSum = (await values('ksit_health_check_lag_seconds')).find((v) => nameOf(v).endsWith('_sum'));
    expect(lagSum?.value).toBe(4); // two checks, each started 2 s after it was due
  });

  it('drops a stopped pair at once (deleted, paused, handed to another worker)', async () => {
    series.onPair({ pair, phase: 'Running', state: 'started' });
    series.onCheck(check(pair));
    series.onPair({ pair, phase: 'Running', state: 'stopped' });
    expect(await values('ksit_integration_phase')).toEqual([]);
    expect(await values('ksit_integration_healthy')).toEqual([]);
    expect(await values('ksit_cluster_reachable')).toEqual([]);
  });

  it('keeps a returned pair for the linger, and carries on without a gap when its next watch starts here', async () => {
    series.onPair({ pair, phase: 'Running', state: 'started' });
    series.onCheck(check(pair, { healthy: false }));
    series.onPair({ pair, phase: 'Running', state: 'returned' });
    expect(pending.map((t) => t.ms)).toEqual([15_000]);
    series.onPair({ pair, phase: 'Degraded', state: 'started' });
    lingerPasses();
    expect(await phases(pair)).toMatchObject({ Running: 0, Degraded: 1 });
    expect(await healthy(pair)).toBe(0);
  });

  it('drops a returned pair after the linger when its next watch went to another worker', async () => {
    series.onPair({ pair, phase: 'Running', state: 'started' });
    series.onPair({ pair, phase: 'Running', state: 'returned' });
    expect(Object.keys(await phases(pair))).toHaveLength(8);
    lingerPasses();
    expect(await values('ksit_integration_phase')).toEqual([]);
  });

  it('keeps a pair while a newer watch runs even if an older one of it stops later', async () => {
    series.onPair({ pair, phase: 'Running', state: 'started' });
    series.onPair({ pair, phase: 'Running', state: 'started' });
    series.onPair({ pair, phase: 'Running', state: 'stopped' });
    expect(await phases(pair)).toMatchObject({ Running: 1 });
  });

  it('keeps a cluster reachable series while another pair on that cluster is still exported', async () => {
    series.onPair({ pair, phase: 'Running', state: 'started' });
    series.onPair({ pair: other, phase: 'Running', state: 'started' });
    series.onCheck(check(pair));
    series.onPair({ pair, phase: 'Running', state: 'stopped' });
    expect((await values('ksit_cluster_reachable')).map((v) => v.value)).toEqual([1]);
    series.onPair({ pair: other, phase: 'Running', state: 'stopped' });
    expect(await values('ksit_cluster_reachable')).toEqual([]);
  });

  it('sets no pair series from checks of a watch it does not track (an input without labels)', async () => {
    series.onCheck(check(pair));
    expect(await values('ksit_integration_healthy')).toEqual([]);
    expect(await values('ksit_cluster_reachable')).toEqual([]);
  });

  it('counts installs per pair and result, and times them per method', async () => {
    series.onInstall({ cluster: 'cluster-1', pair, method: 'helm', ok: true, durationMs: 30_000 });
    series.onInstall({ cluster: 'cluster-1', pair, method: 'helm', ok: false, durationMs: 1_000 });
    series.onInstall({ cluster: 'cluster-1', pair, method: 'helm', ok: true, durationMs: 20_000 });
    const installs = await values('ksit_installs_total');
    const byResult = Object.fromEntries(installs.map((v) => [v.labels.result, v.value]));
    expect(byResult).toEqual({ success: 2, failure: 1 });
    expect(installs[0]?.labels).toMatchObject({ namespace: 'ksit-system', integration: 'argocd', method: 'helm' });
    const sums = (await values('ksit_install_duration_seconds')).filter((v) => nameOf(v).endsWith('_sum'));
    expect(Object.fromEntries(sums.map((v) => [v.labels.result, v.value]))).toEqual({ success: 50, failure: 1 });
  });

  it('exports the latest check: components ready of all, and its time', async () => {
    series.onPair({ pair, phase: 'Running', state: 'started' });
    series.onCheck(check(pair, { componentsReady: 4, at: 10_000 }));
    series.onCheck(check(pair, { componentsReady: 7, at: 20_000 }));
    // A failed call changes neither: they describe the last check that reached the cluster.
    series.onCheck(check(pair, { healthy: undefined, reachable: false, componentsReady: undefined, at: 25_000 }));
    expect((await values('ksit_components_ready'))[0]?.value).toBe(7);
    expect((await values('ksit_components_total'))[0]?.value).toBe(7);
    expect((await values('ksit_last_check_timestamp_seconds'))[0]?.value).toBe(20);
    series.onPair({ pair, state: 'stopped' });
    expect(await values('ksit_components_ready')).toEqual([]);
    expect(await values('ksit_last_check_timestamp_seconds')).toEqual([]);
  });

  it('counts install attempts that ran out of Helm time', async () => {
    series.onInstall({ cluster: 'cluster-1', pair, method: 'helm', ok: false, durationMs: 1_000, helmTimedOut: true });
    series.onInstall({ cluster: 'cluster-1', pair, method: 'helm', ok: false, durationMs: 1_000 });
    expect((await values('ksit_helm_timeouts_total'))[0]).toMatchObject({
      value: 1,
      labels: { integration: 'argocd' },
    });
  });
});
