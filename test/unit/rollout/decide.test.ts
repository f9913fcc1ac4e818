import { describe, expect, it } from '@jest/globals';
import { applyRolloutCommand } from '../../../workflows/rollout/commands.js';
import { decideRollout as decideOnce } from '../../../workflows/rollout/decide.js';
import { allAtOnce } from '../../../workflows/rollout/plan-waves.js';
import { startRollout, stableRevision, type ClusterView, type RolloutState } from '../../../workflows/rollout/state.js';
import { ALL, MIN, plan, rolloutOf2, settledAt } from './fixtures.js';

type View = Record<string, ClusterView>;

/** Every decision is checked to be settled: deciding again at the same moment sends nothing and changes nothing
 * (the workflow decides whenever a report arrives, so an unsettled decision would loop). */
function decideRollout(...args: Parameters<typeof decideOnce>): ReturnType<typeof decideOnce> {
  const first = decideOnce(...args);
  const again = decideOnce(first.state, args[1], args[2], args[3]);
  expect(again.send).toEqual([]);
  expect(again.state).toEqual(first.state);
  return first;
}

/** Reports every cluster that was sent `revision` as `phase` at that revision. */
function report(view: View, s: RolloutState, clusters: string[], phase: ClusterView['phase'], revision = s.revision) {
  for (const c of clusters) view[c] = { phase, message: phase === 'Running' ? '1/1 ready' : 'crashloop', revision };
}

function approve(s: RolloutState, now: number): RolloutState {
  const r = applyRolloutCommand(s, 'approve', now, 'ann');
  if ('problem' in r) throw new Error(r.problem);
  return r.state;
}

describe('decideRollout: wave by wave', () => {
  it('revision 1 -> 2: canary, soak, approval, staging two at once, prod one at a time, Complete', () => {
    const view = settledAt(1).view;
    let s = rolloutOf2();
    let step = decideRollout(s, plan(), view, 0);
    expect(step.send).toEqual([{ cluster: 'c1', revision: 2 }]);
    expect(step.state).toMatchObject({ phase: 'Progressing', waveIndex: 0 });
    expect(step.wakeAt).toBe(15 * MIN);
    s = step.state;

    // A Running from before the change does not count: c1 still reports revision 1.
    step = decideRollout(s, plan(), view, MIN);
    expect(step.send).toEqual([]);
    expect(step.state.phase).toBe('Progressing');

    report(view, s, ['c1'], 'Running');
    step = decideRollout(s, plan(), view, 2 * MIN);
    expect(step.state).toMatchObject({ phase: 'Soaking', soakUntil: 12 * MIN });
    expect(step.wakeAt).toBe(12 * MIN);
    s = step.state;
    expect(decideRollout(s, plan(), view, 11 * MIN).state.phase).toBe('Soaking');

    step = decideRollout(s, plan(), view, 12 * MIN);
    expect(step.state).toMatchObject({ phase: 'WaitingApproval', waveIndex: 1 });
    expect(step.send).toEqual([]);
    s = approve(step.state, 13 * MIN);
    step = decideRollout(s, plan(), view, 13 * MIN);
    expect(step.send.map((x) => x.cluster)).toEqual(['s1', 's2']);
    s = step.state;

    report(view, s, ['s1', 's2'], 'Running');
    step = decideRollout(s, plan(), view, 14 * MIN);
    expect(step.state).toMatchObject({ phase: 'Progressing', waveIndex: 2 });
    expect(step.send.map((x) => x.cluster)).toEqual(['p1']);
    s = step.state;
    for (const p of ['p1', 'p2', 'p3']) {
      report(view, s, [p], 'Running');
      step = decideRollout(s, plan(), view, 15 * MIN);
      expect(step.send).toHaveLength(1);
      s = step.state;
    }
    report(view, s, ['p4'], 'Running');
    step = decideRollout(s, plan(), view, 16 * MIN);
    expect(step.state).toMatchObject({ phase: 'Complete', message: 'revision 2 runs on every cluster' });
    expect(stableRevision(step.state)).toBe(2);
  });

  it('a cluster leaving Running during the soak restarts the soak', () => {
    const view = settledAt(1).view;
    let s = decideRollout(rolloutOf2(), plan(), view, 0).state;
    report(view, s, ['c1'], 'Running');
    s = decideRollout(s, plan(), view, MIN).state;
    expect(s.phase).toBe('Soaking');
    report(view, s, ['c1'], 'Degraded');
    s = decideRollout(s, plan(), view, 5 * MIN).state;
    expect(s.phase).toBe('Progressing');
    expect(s.message).toMatch(/left Running during the soak/);
    report(view, s, ['c1'], 'Running');
    s = decideRollout(s, plan(), view, 6 * MIN).state;
    expect(s).toMatchObject({ phase: 'Soaking', soakUntil: 16 * MIN });
  });
});

describe('decideRollout: failures', () => {
  /** Revision 2 through canary and staging, prod at p1, which then fails. */
  function failingInProd(onFailure: 'rollback' | 'pause', phase: ClusterView['phase']) {
    const view = settledAt(1).view;
    let s = decideRollout(rolloutOf2(onFailure), plan(), view, 0).state;
    report(view, s, ['c1'], 'Running');
    s = decideRollout(s, plan(), view, MIN).state;
    s = approve(decideRollout(s, plan(), view, 11 * MIN).state, 11 * MIN);
    s = decideRollout(s, plan(), view, 11 * MIN).state;
    report(view, s, ['s1', 's2'], 'Running');
    s = decideRollout(s, plan(), view, 12 * MIN).state;
    expect(s.sent.p1?.revision).toBe(2);
    report(view, s, ['p1'], phase);
    return { s, view };
  }

  it.each([
    ['Failed at once', 'Failed' as const, 13 * MIN, /p1 is Failed: crashloop/],
    [
      'Degraded past the progress deadline',
      'Degraded' as const,
      27 * MIN,
      /p1 not Running 15m after the change \(Degraded: crashloop\)/,
    ],
  ])(
    '%s with onFailure rollback: prod p1 first, then staging, then canary; p2..p4 untouched',
    (_, phase, at, reason) => {
      const { s: s0, view } = failingInProd('rollback', phase);
      expect(decideRollout(s0, plan(), view, 20 * MIN).state.phase).toBe(
        phase === 'Failed' ? 'RollingBack' : 'Progressing',
      );
      let step = decideRollout(s0, plan(), view, at);
      expect(step.state.phase).toBe('RollingBack');
      expect(step.state.message).toMatch(reason);
      expect(step.send).toEqual([{ cluster: 'p1', revision: 1 }]);
      let s = step.state;
      report(view, s, ['p1'], 'Running', 1);
      step = decideRollout(s, plan(), view, at + MIN);
      expect(step.send).toEqual([
        { cluster: 's1', revision: 1 },
        { cluster: 's2', revision: 1 },
      ]);
      s = step.state;
      report(view, s, ['s1', 's2'], 'Running', 1);
      step = decideRollout(s, plan(), view, at + 2 * MIN);
      expect(step.send).toEqual([{ cluster: 'c1', revision: 1 }]);
      s = step.state;
      report(view, s, ['c1'], 'Running', 1);
      step = decideRollout(s, plan(), view, at + 3 * MIN);
      expect(step.state).toMatchObject({ phase: 'RolledBack', revision: 2, previousRevision: 1 });
      expect(step.state.message).toMatch(/^rolled back to revision 1 after wave prod: /);
      for (const c of ['p2', 'p3', 'p4']) expect(step.state.sent[c]).toEqual({ revision: 1, at: 0 });
      expect(stableRevision(step.state)).toBe(1);
    },
  );

  it('onFailure pause holds with the reason; resume gives a fresh deadline', () => {
    const { s: s0, view } = failingInProd('pause', 'Degraded');
    let s = decideRollout(s0, plan(), view, 27 * MIN).state;
    expect(s).toMatchObject({ phase: 'Paused', resumeTo: 'Progressing' });
    expect(s.message).toMatch(/^paused on failure: wave prod: p1 not Running/);
    expect(decideRollout(s, plan(), view, 60 * MIN).send).toEqual([]);
    const resumed = applyRolloutCommand(s, 'resume', 60 * MIN, 'ann');
    if ('problem' in resumed) throw new Error(resumed.problem);
    s = decideRollout(resumed.state, plan(), view, 61 * MIN).state;
    expect(s.phase).toBe('Progressing');
    expect(decideRollout(s, plan(), view, 75 * MIN).state.phase).toBe('Paused');
  });

  it('a rollback that cannot finish pauses, and resume carries on rolling back', () => {
    const { s: s0, view } = failingInProd('rollback', 'Failed');
    let s = decideRollout(s0, plan(), view, 13 * MIN).state;
    report(view, s, ['p1'], 'Failed', 1);
    s = decideRollout(s, plan(), view, 14 * MIN).state;
    expect(s).toMatchObject({ phase: 'Paused', resumeTo: 'RollingBack' });
    expect(s.message).toMatch(/^rollback paused: wave prod: p1 is Failed/);
    const r = applyRolloutCommand(s, 'resume', 20 * MIN);
    if ('problem' in r) throw new Error(r.problem);
    report(view, s, ['p1'], 'Running', 1);
    const step = decideRollout(r.state, plan(), view, 21 * MIN);
    expect(step.state.phase).toBe('RollingBack');
    expect(step.send.map((x) => x.cluster)).toEqual(['s1', 's2']);
  });
});

describe('decideRollout: supersede, first revision, commands', () => {
  it('a new revision mid-rollout starts again at the first wave and keeps the revision to return to', () => {
    const view = settledAt(1).view;
    let s = decideRollout(rolloutOf2(), plan(), view, 0).state;
    report(view, s, ['c1'], 'Running');
    s = decideRollout(s, plan(), view, MIN).state;
    s = approve(decideRollout(s, plan(), view, 11 * MIN).state, 11 * MIN);
    s = decideRollout(s, plan(), view, 11 * MIN).state;
    expect(s.sent.s1?.revision).toBe(2);
    const s3 = startRollout(
      s,
      3,
      { mode: 'waves', onFailure: 'rollback', progressDeadlineMs: 15 * MIN },
      12 * MIN,
      'revision 3 applied',
    );
    expect(s3).toMatchObject({ revision: 3, previousRevision: 1, phase: 'Progressing', waveIndex: -1 });
    expect(s3.message).toBe('revision 3 applied; supersedes revision 2 (was Progressing)');
    const step = decideRollout(s3, plan(), view, 12 * MIN);
    expect(step.send).toEqual([{ cluster: 'c1', revision: 3 }]);
    // Rolling 3 back also returns what revision 2 had moved (s1, s2) to revision 1.
    report(view, step.state, ['c1'], 'Failed');
    const back = decideRollout(step.state, plan(), view, 13 * MIN).state;
    expect(back.rollbackSet).toEqual(['c1', 's1', 's2']);
  });

  it('the first revision, or an Integration without spec.rollout, goes everywhere at once and never fails', () => {
    const first = startRollout(
      undefined,
      1,
      { mode: 'waves', onFailure: 'rollback', progressDeadlineMs: MIN },
      0,
      'created',
    );
    expect(first).toMatchObject({ mode: 'all', onFailure: 'none', previousRevision: 0 });
    const view: Record<string, ClusterView> = {};
    const step = decideRollout(first, [allAtOnce(ALL)], view, 0);
    expect(step.send).toHaveLength(ALL.length);
    expect(step.wakeAt).toBeUndefined();
    expect(decideRollout(step.state, [allAtOnce(ALL)], view, 99 * MIN).state.phase).toBe('Progressing');
    // A Failed cluster is the lifecycle's to show: nothing is rolled back (there is nothing to go back to).
    for (const c of ALL) view[c] = { phase: 'Failed', message: 'chart not found', revision: 1 };
    const failed = decideRollout(step.state, [allAtOnce(ALL)], view, 100 * MIN);
    expect(failed.state.phase).toBe('Progressing');
    expect(failed.send).toEqual([]);
  });

  it.each([
    ['approve', 'Progressing', /no wave waits for approval/],
    ['resume', 'Progressing', /only a Paused rollout resumes/],
    ['pause', 'Complete', /nothing to pause/],
    ['abort', 'RolledBack', /nothing to abort/],
  ] as const)('%s on a %s rollout is refused', (command, phase, problem) => {
    const s = { ...rolloutOf2(), phase };
    const r = applyRolloutCommand(s, command, 0);
    expect('problem' in r && r.problem).toMatch(problem);
  });

  it('pause keeps the soak that was left; abort stops everything where it is', () => {
    const view = settledAt(1).view;
    let s = decideRollout(rolloutOf2(), plan(), view, 0).state;
    report(view, s, ['c1'], 'Running');
    s = decideRollout(s, plan(), view, MIN).state;
    const paused = applyRolloutCommand(s, 'pause', 5 * MIN);
    if ('problem' in paused) throw new Error(paused.problem);
    expect(decideRollout(paused.state, plan(), view, 30 * MIN).state.phase).toBe('Paused');
    const resumed = applyRolloutCommand(paused.state, 'resume', 30 * MIN);
    if ('problem' in resumed) throw new Error(resumed.problem);
    expect(resumed.state.soakUntil).toBe(36 * MIN);
    const aborted = applyRolloutCommand(resumed.state, 'abort', 31 * MIN, 'ann');
    if ('problem' in aborted) throw new Error(aborted.problem);
    const step = decideRollout(aborted.state, plan(), view, 40 * MIN);
    expect(step.state.phase).toBe('Aborted');
    expect(step.send).toEqual([]);
  });
});
