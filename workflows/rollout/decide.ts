// The rollout's one decision: given its state, the wave plan, what each cluster last reported and the time, say
// which clusters get which revision now, the next state, and when to look again. The workflow only performs it.
import { formatMs } from './format.js';
import type { PlannedWave } from './plan-waves.js';
import { copyState, type ClusterView, type RolloutState } from './state.js';

export interface Send {
  cluster: string;
  revision: number;
}

export interface RolloutStep {
  state: RolloutState;
  send: Send[];
  /** Decide again at this time even if nothing is reported (a soak ends, a deadline passes). */
  wakeAt?: number;
}

export function decideRollout(
  current: RolloutState,
  plan: PlannedWave[],
  clusters: Record<string, ClusterView>,
  now: number,
): RolloutStep {
  const s = copyState(current);
  const send: Send[] = [];
  const wakes: number[] = [];
  const runningAt = (c: string, revision: number) =>
    clusters[c]?.phase === 'Running' && clusters[c]?.revision === revision && s.sent[c]?.revision === revision;
  const failedAt = (c: string, revision: number) =>
    clusters[c]?.phase === 'Failed' && clusters[c]?.revision === revision && s.sent[c]?.revision === revision;
  const waveName = () => plan[s.waveIndex]?.name ?? '';

  const sendTo = (cluster: string, revision: number) => {
    s.sent[cluster] = { revision, at: now };
    s.since[cluster] = now;
    send.push({ cluster, revision });
  };

  /** Moves `clusters` towards `revision`, at most `max` unconverged at once; returns a failure reason or nothing. */
  const converge = (members: string[], revision: number, max: number): { reason?: string; done: boolean } => {
    const inflight = members.filter((c) => s.sent[c]?.revision === revision && !runningAt(c, revision));
    for (const c of inflight) {
      // Without a failure policy (no spec.rollout, or a first revision) a failing cluster is the lifecycle's to show.
      if (s.onFailure === 'none') continue;
      if (failedAt(c, revision)) return { reason: `${c} is Failed: ${clusters[c]?.message}`, done: false };
      const deadline = (s.since[c] ?? now) + s.progressDeadlineMs;
      if (now >= deadline) {
        const seen = clusters[c];
        const where = seen?.revision === revision ? `${seen.phase}: ${seen.message}` : 'no report at this revision';
        return {
          reason: `${c} not Running ${formatMs(s.progressDeadlineMs)} after the change (${where})`,
          done: false,
        };
      }
      wakes.push(deadline);
    }
    const pending = members.filter((c) => s.sent[c]?.revision !== revision);
    for (const c of pending.slice(0, Math.max(0, max - inflight.length))) {
      sendTo(c, revision);
      if (s.onFailure !== 'none') wakes.push(now + s.progressDeadlineMs);
    }
    return { done: members.every((c) => runningAt(c, revision)) };
  };

  const fail = (reason: string) => {
    const where = `wave ${waveName()}: ${reason}`;
    if (s.onFailure === 'pause') {
      pause('Progressing', `paused on failure: ${where}; fix it, then \`ksit rollout resume\`, or undo`);
      return;
    }
    s.rollbackSet = Object.keys(s.sent)
      .filter((c) => s.sent[c]?.revision !== s.previousRevision)
      .sort();
    s.phase = 'RollingBack';
    s.failure = where;
    s.message = `rolling back to revision ${s.previousRevision}: ${where}`;
  };

  const pause = (resumeTo: 'Progressing' | 'RollingBack', message: string) => {
    s.phase = 'Paused';
    s.resumeTo = resumeTo;
    s.pausedAt = now;
    s.message = message;
  };

  /** Starts the next wave that has clusters, or completes. */
  const advance = () => {
    s.soakUntil = undefined;
    s.waveIndex++;
    while (s.waveIndex < plan.length && plan[s.waveIndex]?.clusters.length === 0) s.waveIndex++;
    const wave = plan[s.waveIndex];
    if (!wave) {
      s.phase = 'Complete';
      s.waveIndex = plan.length - 1;
      s.message = `revision ${s.revision} runs on every cluster`;
      return;
    }
    if (wave.manualApproval && !s.approved.includes(s.waveIndex)) {
      s.phase = 'WaitingApproval';
      s.message = `wave ${wave.name} waits for approval: ksit rollout approve`;
      return;
    }
    s.phase = 'Progressing';
    s.message = `wave ${wave.name}: moving ${wave.clusters.length} cluster(s) to revision ${s.revision}`;
  };

  // Each pass may move the rollout on by one state; a few passes settle it (a wave with nothing left to do passes
  // at once), and the bound keeps a bug from looping forever.
  for (let pass = 0; pass < plan.length * 3 + 8; pass++) {
    const before = `${s.phase}/${s.waveIndex}`;
    step();
    if (`${s.phase}/${s.waveIndex}` === before) break;
  }
  return { state: s, send, ...(wakes.length > 0 ? { wakeAt: Math.min(...wakes) } : {}) };

  function step(): void {
    switch (s.phase) {
      case 'WaitingApproval':
        if (s.approved.includes(s.waveIndex)) {
          s.waveIndex--;
          advance();
        }
        return;
      case 'Progressing': {
        if (s.waveIndex < 0 || s.waveIndex >= plan.length) return advance();
        const wave = plan[s.waveIndex] as PlannedWave;
        // Clusters that joined a wave already passed catch up without holding the rollout.
        for (const w of plan.slice(0, s.waveIndex))
          for (const c of w.clusters) if (s.sent[c]?.revision !== s.revision) sendTo(c, s.revision);
        const result = converge(wave.clusters, s.revision, wave.maxParallel);
        if (result.reason) return fail(result.reason);
        if (!result.done) return;
        if (wave.soakMs <= 0) return advance();
        s.phase = 'Soaking';
        s.soakUntil = now + wave.soakMs;
        s.message = `wave ${wave.name}: every cluster Running at revision ${s.revision}; soaking ${formatMs(wave.soakMs)}`;
        wakes.push(s.soakUntil);
        return;
      }
      case 'Soaking': {
        const wave = plan[s.waveIndex];
        if (!wave) return advance();
        const failed = s.onFailure === 'none' ? undefined : wave.clusters.find((c) => failedAt(c, s.revision));
        if (failed) return fail(`${failed} is Failed during the soak: ${clusters[failed]?.message}`);
        const left = wave.clusters.filter((c) => !runningAt(c, s.revision));
        if (left.length > 0) {
          for (const c of left) s.since[c] = now;
          s.phase = 'Progressing';
          s.soakUntil = undefined;
          s.message = `wave ${wave.name}: ${left.join(', ')} left Running during the soak; the soak starts again`;
          return;
        }
        if (now >= (s.soakUntil ?? now)) return advance();
        wakes.push(s.soakUntil ?? now);
        return;
      }
      case 'RollingBack': {
        const wave = plan[s.waveIndex];
        if (!wave) {
          s.phase = 'RolledBack';
          s.waveIndex = Math.max(0, Math.min(s.waveIndex, plan.length - 1));
          s.message = `rolled back to revision ${s.previousRevision} after ${s.failure ?? 'a failure'}`;
          return;
        }
        const members = wave.clusters.filter((c) => s.rollbackSet?.includes(c));
        const result = converge(members, s.previousRevision, wave.maxParallel);
        if (result.reason) {
          return pause('RollingBack', `rollback paused: wave ${wave.name}: ${result.reason}; fix it, then resume`);
        }
        if (result.done) {
          s.waveIndex--;
          const next = plan[s.waveIndex];
          if (next) s.message = `rolling back to revision ${s.previousRevision}: wave ${next.name}; after ${s.failure}`;
        }
        return;
      }
      default:
        return; // Paused, Complete, RolledBack, Aborted: nothing moves until a command or a new revision.
    }
  }
}
