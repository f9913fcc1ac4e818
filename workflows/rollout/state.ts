// The rollout's state and the rules for starting one. Pure data and functions: workflow code, table-tested.
import type { ClusterPhase, IntegrationSpec } from '../../shared/types.js';

export const ROLLOUT_PHASES = [
  'Progressing',
  'Soaking',
  'WaitingApproval',
  'Paused',
  'RollingBack',
  'Complete',
  'RolledBack',
  'Aborted',
] as const;
export type RolloutPhase = (typeof ROLLOUT_PHASES)[number];
/** What a pause returns to. */
export type ActivePhase = 'Progressing' | 'Soaking' | 'WaitingApproval' | 'RollingBack';
export const TERMINAL_PHASES: readonly RolloutPhase[] = ['Complete', 'RolledBack', 'Aborted'];

/** `waves`: by spec.rollout. `all`: every cluster at once and no failure handling (no spec.rollout, or nothing
 * has completed yet, so there is nothing to protect and nothing to go back to). */
export type RolloutMode = 'waves' | 'all';
export type FailurePolicy = 'rollback' | 'pause' | 'none';

export interface SentRevision {
  revision: number;
  at: number;
}

export interface RolloutState {
  /** The revision this rollout moves clusters to. */
  revision: number;
  /** The last revision that reached every cluster (0: none yet); rollback returns here. */
  previousRevision: number;
  phase: RolloutPhase;
  /** Index into the plan; -1 before the first wave starts. While RollingBack: the wave being returned. */
  waveIndex: number;
  message: string;
  mode: RolloutMode;
  onFailure: FailurePolicy;
  progressDeadlineMs: number;
  /** Waves (by index) approved during this rollout. */
  approved: number[];
  soakUntil?: number;
  pausedAt?: number;
  resumeTo?: ActivePhase;
  /** Why the rollout is rolling back (or rolled back). */
  failure?: string;
  /** The clusters to return on rollback: those this rollout (or one it superseded) moved off previousRevision. */
  rollbackSet?: string[];
  /** The revision each cluster was last sent (kept across rollouts: it is where each cluster is headed). */
  sent: Record<string, SentRevision>;
  /** When each cluster's progress deadline started (sending, a resume, or leaving Running during a soak). */
  since: Record<string, number>;
}

/** What the Integration knows of each cluster, from its lifecycle's last report. */
export interface ClusterView {
  phase: ClusterPhase;
  message: string;
  /** The revision the report was made at: only a report after the change counts for it. */
  revision?: number;
}

export interface RolloutSettings {
  mode: RolloutMode;
  onFailure: 'rollback' | 'pause';
  progressDeadlineMs: number;
}

/** The revision every cluster could safely be on: where a rollback goes. */
export function stableRevision(s: RolloutState | undefined): number {
  if (!s) return 0;
  return s.phase === 'Complete' ? s.revision : s.previousRevision;
}

export const isTerminal = (s: RolloutState) => TERMINAL_PHASES.includes(s.phase);

/**
 * Starts the rollout of `revision`. The supersede rule: a revision that arrives while another rollout runs
 * (or is paused, waiting or rolling back) replaces it, starting again at the first wave from wherever each cluster
 * is; the last revision that reached every cluster stays the one to return to. So an untested revision always
 * meets the first wave first, and a rollback of it also takes back what the superseded rollout had moved.
 */
export function startRollout(
  prev: RolloutState | undefined,
  revision: number,
  settings: RolloutSettings,
  now: number,
  why: string,
): RolloutState {
  const previousRevision = stableRevision(prev);
  const mode: RolloutMode = previousRevision === 0 ? 'all' : settings.mode;
  const sent = { ...(prev?.sent ?? {}) };
  const since: Record<string, number> = {};
  for (const [cluster, s] of Object.entries(sent)) if (s.revision === revision) since[cluster] = now;
  const superseded =
    prev && !isTerminal(prev) && prev.revision !== revision
      ? `; supersedes revision ${prev.revision} (was ${prev.phase})`
      : '';
  return {
    revision,
    previousRevision,
    phase: 'Progressing',
    waveIndex: -1,
    message: `${why}${superseded}`,
    mode,
    onFailure: mode === 'all' ? 'none' : settings.onFailure,
    progressDeadlineMs: settings.progressDeadlineMs,
    approved: [],
    sent,
    since,
  };
}

/** Deep copy: the decision returns a new state and never changes the one it was given. */
export function copyState(s: RolloutState): RolloutState {
  return JSON.parse(JSON.stringify(s)) as RolloutState;
}

/** How a spec's changes roll out: wave by wave when it has `spec.rollout`, else to every cluster at once. */
export function settingsOf(spec: IntegrationSpec): RolloutSettings {
  return {
    mode: spec.rollout ? 'waves' : 'all',
    onFailure: spec.rollout?.onFailure ?? 'rollback',
    progressDeadlineMs: spec.rollout?.progressDeadlineMs ?? 0,
  };
}
