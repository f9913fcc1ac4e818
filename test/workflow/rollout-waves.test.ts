import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { rolloutCommandUpdate, rolloutHistoryQuery } from '../../workflows/rollout/definitions.js';
import { withIntegration } from './helpers/harness.js';
import {
  allAt,
  at,
  fleet,
  installing,
  MIN,
  rolloutSpec,
  threeWaves,
  transitionAt,
  watchRollout,
} from './helpers/rollout.js';
import { createTimeSkippingEnv, teardownTimeSkippingEnv } from './helpers/time-skipping.js';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
}, 120_000);
afterAll(async () => {
  await teardownTimeSkippingEnv(env);
});

test('revision 1 -> 2 wave by wave: canary soaks, staging waits for approval and goes one at a time, then the rest', async () => {
  const clusters = fleet(['c1', 'c2', 'c3', 'c4']);
  const soakMs = 10 * MIN;
  await withIntegration(
    env,
    clusters,
    rolloutSpec('1.0.0', threeWaves({ soakMs, approval: true })),
    async ({ handle }) => {
      const r = watchRollout(env, handle);
      const first = await r.until((s) => s.state === 'Complete' && allAt(s, 1), 'revision 1 everywhere');
      expect(first).toMatchObject({ name: 'argocd', revision: 1, previousRevision: 0 });
      const installsBefore = Object.values(clusters).map((c) => c.installs());

      expect(await r.apply(rolloutSpec('2.0.0', threeWaves({ soakMs, approval: true })))).toBe(2);
      const soaking = await r.until((s) => s.state === 'Soaking', 'canary soaking');
      expect(soaking.wave).toEqual({ index: 1, name: 'canary', total: 3 });
      expect(at(soaking, 'c1')).toMatchObject({ wave: 'canary', revision: 2, phase: 'Running' });
      expect(at(soaking, 'c2')).toMatchObject({ wave: 'staging', revision: 1 });
      expect(at(soaking, 'c4')).toMatchObject({ wave: 'unmatched', revision: 1 });

      const waiting = await r.until((s) => s.state === 'WaitingApproval', 'staging waiting for approval');
      expect(waiting.wave).toMatchObject({ index: 2, name: 'staging' });
      expect(waiting.message).toMatch(/approve/);
      // Nothing moves while it waits, however long.
      expect((await r.pass(30 * MIN)).state).toBe('WaitingApproval');
      expect(clusters.c2!.chartVersion).toBe('1.0.0');

      const approved = await handle.executeUpdate(rolloutCommandUpdate, { args: [{ command: 'approve', by: 'ann' }] });
      expect(approved.state).toBe('Progressing');
      const done = await r.until((s) => s.state === 'Complete' && s.revision === 2, 'revision 2 everywhere');
      expect(allAt(done, 2)).toBe(true);
      expect(done).toMatchObject({ previousRevision: 1, wave: { index: 3, name: 'unmatched', total: 3 } });

      // Wave order, the soak between canary and staging, and staging one cluster at a time: each install
      // starts only after the cluster before it was Running at revision 2.
      const installed = async (c: string) => transitionAt(handle, c, installing('2.0.0'));
      const runningAfter = async (c: string, t: number) => transitionAt(handle, c, (x) => x.phase === 'Running', t);
      const c1Running = await runningAfter('c1', await installed('c1'));
      expect((await installed('c2')) - c1Running).toBeGreaterThanOrEqual(soakMs);
      expect(await installed('c3')).toBeGreaterThanOrEqual(await runningAfter('c2', await installed('c2')));
      expect(await installed('c4')).toBeGreaterThanOrEqual(await runningAfter('c3', await installed('c3')));
      // One install per cluster for revision 2, none repeated.
      Object.values(clusters).forEach((c, i) => expect(c.installs()).toBe((installsBefore[i] ?? 0) + 1));
      expect(r.states).toEqual(new Set(['Complete', 'Progressing', 'Soaking', 'WaitingApproval']));

      const history = await handle.query(rolloutHistoryQuery);
      expect(history.current).toBe(2);
      expect(history.revisions.map((x) => [x.revision, x.by, x.summary.chartVersion])).toEqual([
        [1, 'unknown', '1.0.0'],
        [2, 'tester', '2.0.0'],
      ]);
      await expect(handle.executeUpdate(rolloutCommandUpdate, { args: [{ command: 'approve' }] })).rejects.toThrow(
        WorkflowUpdateFailedError,
      );
    },
  );
}, 600_000);

test('without spec.rollout a change goes to every cluster at once, and each reports its revision', async () => {
  const clusters = fleet(['c1', 'c2', 'c3', 'c4']);
  await withIntegration(env, clusters, rolloutSpec('1.0.0'), async ({ handle }) => {
    const r = watchRollout(env, handle);
    await r.until((s) => s.state === 'Complete' && allAt(s, 1), 'revision 1 everywhere');
    await r.apply(rolloutSpec('2.0.0'));
    const s = await r.until((x) => x.clusters.every((c) => c.revision === 2), 'every cluster at revision 2', 5_000);
    expect(s.wave).toMatchObject({ name: 'all', total: 1 });
    const firstSeen = ['c1', 'c2', 'c3', 'c4'].map((c) => r.runningSince.get(`${c}@2`) ?? Infinity);
    // All moved together: the first and last reached revision 2 within one health interval of each other.
    await r.until((x) => x.state === 'Complete', 'Complete');
    const seen = ['c1', 'c2', 'c3', 'c4'].map((c) => r.runningSince.get(`${c}@2`) as number);
    expect(Math.max(...seen) - Math.min(...seen)).toBeLessThanOrEqual(60_000);
    expect(firstSeen.length).toBe(4);
  });
}, 600_000);
