import type { PlannedWave } from '../../../workflows/rollout/plan-waves.js';
import { startRollout, type ClusterView, type RolloutState } from '../../../workflows/rollout/state.js';

export const MIN = 60_000;

/** canary (c1), staging (s1, s2; two at once, 10m soak, manual approval), prod (p1..p4; one at a time). */
export function plan(): PlannedWave[] {
  return [
    { name: 'canary', clusters: ['c1'], maxParallel: 1, soakMs: 10 * MIN, manualApproval: false },
    { name: 'staging', clusters: ['s1', 's2'], maxParallel: 2, soakMs: 0, manualApproval: true },
    { name: 'prod', clusters: ['p1', 'p2', 'p3', 'p4'], maxParallel: 1, soakMs: 0, manualApproval: false },
  ];
}

export const ALL = ['c1', 's1', 's2', 'p1', 'p2', 'p3', 'p4'];

/** Every cluster Running at `revision`, sent there at time 0. */
export function settledAt(revision: number): { sent: RolloutState['sent']; view: Record<string, ClusterView> } {
  const sent: RolloutState['sent'] = {};
  const view: Record<string, ClusterView> = {};
  for (const c of ALL) {
    sent[c] = { revision, at: 0 };
    view[c] = { phase: 'Running', message: '1/1 ready', revision };
  }
  return { sent, view };
}

/** A rollout of revision 2 just started, over a fleet that completed revision 1. */
export function rolloutOf2(onFailure: 'rollback' | 'pause' = 'rollback', now = 0): RolloutState {
  const { sent } = settledAt(1);
  const prev = startRollout(undefined, 1, { mode: 'waves', onFailure, progressDeadlineMs: 15 * MIN }, 0, 'r1');
  const done: RolloutState = { ...prev, phase: 'Complete', sent };
  return startRollout(done, 2, { mode: 'waves', onFailure, progressDeadlineMs: 15 * MIN }, now, 'revision 2 applied');
}
