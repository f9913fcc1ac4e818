// The status an Integration object shows, from its workflow's report: kstatus conditions and the READY column.
import { describe, expect, it } from '@jest/globals';
import { integrationStatusFor, type IntegrationObservation } from '../../../controller/integration-status.js';
import { targetStatusFor } from '../../../controller/target-status.js';
import type { ClusterPhase, ClusterStatus, IntegrationStatus } from '../../../shared/types.js';

const NOW = Date.parse('2026-11-30T12:00:00Z');
const at = (msAgo: number) => new Date(NOW - msAgo).toISOString();

function cluster(name: string, phase: ClusterPhase, changedMsAgo = 60_000, message = `${phase} here`): ClusterStatus {
  return {
    cluster: name,
    phase,
    message,
    components: [],
    transitions: [{ at: at(changedMsAgo), phase, message }],
    lastCheckAt: at(1_000),
  };
}

function workflow(clusters: ClusterStatus[], phase: ClusterPhase = 'Running', extra = {}): IntegrationStatus {
  return {
    name: 'argocd',
    namespace: 'team-a',
    type: 'argocd',
    phase,
    message: 'msg',
    paused: false,
    clusters,
    ...extra,
  };
}

function observe(o: Partial<IntegrationObservation>): ReturnType<typeof integrationStatusFor> {
  return integrationStatusFor({
    generation: 2,
    accepted: { generation: 2, atMs: 0 },
    workflowId: 'integration/team-a/argocd',
    suspended: false,
    nowMs: NOW,
    ...o,
  });
}

const cond = (s: ReturnType<typeof integrationStatusFor>, type: string) =>
  s.conditions?.find((c) => c.type === type)?.status;

describe('integration status', () => {
  it('Ready only when every cluster is Running at the accepted generation', () => {
    const s = observe({ workflow: workflow([cluster('c1', 'Running'), cluster('c2', 'Running')]) });
    expect(s).toMatchObject({ observedGeneration: 2, phase: 'Running', ready: '2/2' });
    expect([cond(s, 'Ready'), cond(s, 'Reconciling'), cond(s, 'Stalled')]).toEqual(['True', 'False', 'False']);
  });

  it('not Ready while the workflow has not accepted the new generation (observedGeneration stays)', () => {
    const s = observe({
      generation: 3,
      workflow: workflow([cluster('c1', 'Running')]),
    });
    expect(s.observedGeneration).toBe(2);
    expect([cond(s, 'Ready'), cond(s, 'Reconciling')]).toEqual(['False', 'True']);
  });

  it('a Running seen before the change does not count; one seen after it does', () => {
    const accepted = { generation: 2, atMs: NOW - 3_000 };
    const stale = observe({ accepted, workflow: workflow([cluster('c1', 'Running', 60_000)]) });
    expect([cond(stale, 'Ready'), cond(stale, 'Reconciling'), stale.ready]).toEqual(['False', 'True', '0/1']);
    const fresh = observe({ accepted, workflow: workflow([cluster('c1', 'Running', 1_000)]) });
    expect(cond(fresh, 'Ready')).toBe('True');
  });

  it('reads the same from the listing memo (since instead of transitions), as the status round does', () => {
    const accepted = { generation: 2, atMs: NOW - 3_000 };
    const fromMemo = (changedMsAgo: number) => {
      const c = cluster('c1', 'Running', changedMsAgo);
      const since = c.transitions[0]!.at;
      return workflow([
        { cluster: c.cluster, phase: c.phase, message: c.message, components: [], transitions: [], since },
      ]);
    };
    const stale = observe({ accepted, workflow: fromMemo(60_000) });
    expect([cond(stale, 'Ready'), stale.clusters?.[0]?.lastTransitionTime]).toEqual(['False', at(60_000)]);
    const fresh = observe({ accepted, workflow: fromMemo(1_000) });
    expect([cond(fresh, 'Ready'), fresh.clusters?.[0]]).toEqual([
      'True',
      { name: 'c1', phase: 'Running', message: 'Running here', lastTransitionTime: at(1_000), observedGeneration: 2 },
    ]);
  });

  it('per-cluster revisions, when the workflow has them, decide freshness', () => {
    const c = { ...cluster('c1', 'Running', 1_000), revision: 4 };
    const behind = observe({
      workflow: workflow([c], 'Running', { rollout: { revision: 5, state: 'Progressing', wave: 'a' } }),
    });
    expect(cond(behind, 'Ready')).toBe('False');
    const current = observe({
      workflow: workflow([c], 'Running', { rollout: { revision: 4, state: 'Complete', wave: 'a' } }),
    });
    expect(cond(current, 'Ready')).toBe('True');
    expect(current.revision).toBe(4);
  });

  it('installing is Reconciling; Degraded is not Ready and not Stalled; Failed is Stalled', () => {
    const installing = observe({ workflow: workflow([cluster('c1', 'Installing', 1_000)], 'Installing') });
    expect([cond(installing, 'Ready'), cond(installing, 'Reconciling'), cond(installing, 'Stalled')]).toEqual([
      'False',
      'True',
      'False',
    ]);
    const degraded = observe({ workflow: workflow([cluster('c1', 'Degraded', 1_000)], 'Degraded') });
    expect(degraded.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'Degraded' });
    expect(cond(degraded, 'Stalled')).toBe('False');
    const failed = observe({
      workflow: workflow([cluster('c1', 'Failed', 1_000, 'preflight failed: rbac: denied')], 'Failed'),
    });
    expect(failed.conditions?.find((c) => c.type === 'Stalled')).toMatchObject({
      status: 'True',
      reason: 'PreflightFailed',
    });
  });

  it('an invalid spec is Stalled with the message and observed (kstatus: Failed, not waiting forever)', () => {
    const s = observe({ generation: 5, invalid: 'spec.config.healthCheckInterval: must be at least 1s' });
    expect(s).toMatchObject({ observedGeneration: 5, phase: 'Invalid' });
    expect(s.conditions?.find((c) => c.type === 'Stalled')).toMatchObject({
      status: 'True',
      reason: 'InvalidSpec',
      message: 'spec.config.healthCheckInterval: must be at least 1s',
    });
  });

  it('suspended shows Paused, not Ready, not Reconciling', () => {
    const s = observe({ suspended: true, workflow: workflow([cluster('c1', 'Paused')], 'Paused', { paused: true }) });
    expect(s.phase).toBe('Paused');
    expect(s.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'Suspended' });
    expect(cond(s, 'Reconciling')).toBe('False');
  });

  it('keeps lastTransitionTime while a condition holds, moves it when it flips', () => {
    const first = observe({ workflow: workflow([cluster('c1', 'Running')]) });
    const later = observe({ previous: first, nowMs: NOW + 60_000, workflow: workflow([cluster('c1', 'Running')]) });
    expect(later.conditions).toEqual(first.conditions);
    const flipped = observe({
      previous: first,
      nowMs: NOW + 60_000,
      workflow: workflow([cluster('c1', 'Degraded', 0)], 'Degraded'),
    });
    expect(flipped.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime).toBe(
      new Date(NOW + 60_000).toISOString(),
    );
  });
});

describe('target status', () => {
  it('Ready with the version and the last probe, once probed at the accepted generation', () => {
    const base = { name: 't', namespace: 'n', clusterName: 'c', labels: {}, message: 'ok' };
    const s = targetStatusFor({
      generation: 1,
      acceptedGeneration: 1,
      workflowId: 'target/n/t',
      nowMs: NOW,
      workflow: { ...base, ready: true, serverVersion: 'v1.36.3', lastCheckAt: at(5_000) },
    });
    expect(s).toMatchObject({ serverVersion: 'v1.36.3', lastProbeTime: at(5_000), observedGeneration: 1 });
    expect(s.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    const down = targetStatusFor({
      generation: 1,
      acceptedGeneration: 1,
      workflowId: 'target/n/t',
      nowMs: NOW,
      workflow: { ...base, ready: false, message: 'connect ECONNREFUSED', lastCheckAt: at(5_000) },
    });
    expect(down.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'Unreachable' });
  });
});
