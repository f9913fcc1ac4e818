// What people do to a running rollout: approve, pause, resume, abort. Each is pure: it returns the next state, or
// a problem that the update's validator sends back before anything is recorded.
import type { Revision } from './revisions.js';
import { copyState, isTerminal, type ActivePhase, type RolloutState } from './state.js';

export type RolloutCommand = 'approve' | 'pause' | 'resume' | 'abort';

export type CommandResult = { state: RolloutState } | { problem: string };

export function applyRolloutCommand(
  current: RolloutState | undefined,
  command: RolloutCommand,
  now: number,
  by = 'unknown',
): CommandResult {
  if (!current) return { problem: 'no rollout yet: nothing to ' + command };
  const s = copyState(current);
  const is = `the rollout of revision ${s.revision} is ${s.phase}`;
  switch (command) {
    case 'approve': {
      const waiting = s.phase === 'WaitingApproval' || (s.phase === 'Paused' && s.resumeTo === 'WaitingApproval');
      if (!waiting) return { problem: `${is}: no wave waits for approval` };
      s.approved = [...s.approved, s.waveIndex];
      if (s.phase === 'WaitingApproval') {
        s.phase = 'Progressing';
        s.message = `wave approved by ${by}`;
      } else s.resumeTo = 'Progressing';
      return { state: s };
    }
    case 'pause': {
      if (isTerminal(s) || s.phase === 'Paused') return { problem: `${is}: nothing to pause` };
      s.resumeTo = s.phase as ActivePhase;
      s.phase = 'Paused';
      s.pausedAt = now;
      s.message = `paused by ${by}; \`ksit rollout resume\` continues`;
      return { state: s };
    }
    case 'resume': {
      if (s.phase !== 'Paused') return { problem: `${is}: only a Paused rollout resumes` };
      // Time paused counts neither for the soak nor for the deadlines: the soak keeps what was left of it, and
      // every cluster still on its way gets a full progress deadline from now.
      if (s.soakUntil !== undefined) s.soakUntil += now - (s.pausedAt ?? now);
      for (const cluster of Object.keys(s.since)) s.since[cluster] = now;
      s.phase = s.resumeTo ?? 'Progressing';
      s.message = `resumed by ${by}`;
      s.resumeTo = undefined;
      s.pausedAt = undefined;
      return { state: s };
    }
    case 'abort': {
      if (isTerminal(s)) return { problem: `${is}: nothing to abort` };
      s.phase = 'Aborted';
      s.resumeTo = undefined;
      s.soakUntil = undefined;
      s.message = `aborted by ${by}; clusters stay at the revision they run; apply a spec or undo to move on`;
      return { state: s };
    }
  }
}

/** The revision `ksit rollout undo [--to-revision N]` goes back to, or why it cannot. */
export function undoTarget(current: RolloutState | undefined, revisions: Revision[], toRevision?: number): number {
  if (!current) throw new Error('no revision yet: nothing to undo');
  const to = toRevision ?? current.previousRevision;
  const kept = revisions.map((x) => x.revision);
  if (!Number.isInteger(to) || to < 1) throw new Error('no earlier revision to undo to; give --to-revision');
  if (!kept.includes(to)) throw new Error(`revision ${to} is not kept; kept revisions: ${kept.join(', ')}`);
  if (to === current.revision && current.phase === 'Complete') {
    throw new Error(`revision ${to} already runs on every cluster`);
  }
  return to;
}
