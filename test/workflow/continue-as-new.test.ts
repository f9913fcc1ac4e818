import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { clusterStatusQuery, workflowIds } from '../../workflows/definitions.js';
import { FakeCluster } from './helpers/fake-cluster.js';
import { argocdSpec, withIntegration } from './helpers/harness.js';
import { createTimeSkippingEnv, teardownTimeSkippingEnv } from './helpers/time-skipping.js';

// A test server of its own: after the operations tests, the shared one sometimes holds a time-skipping lock they
// left behind (30 s of workflow time then took 30 s of real time, in 1 run of 3), and this test, which waits
// through a dozen health intervals, ran past its 5-minute timeout in CI.
let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
}, 120_000);
afterAll(async () => {
  await teardownTimeSkippingEnv(env);
});

test('continue-as-new keeps phase, transitions and the installed state', async () => {
  const c1 = new FakeCluster();
  c1.installed = true;
  c1.chartVersion = '5.51.6';
  const spec = argocdSpec();
  await withIntegration(
    env,
    { 'cluster-1': c1 },
    spec,
    async ({ until }) => {
      await until((s) => s.phase === 'Running', 'Running');
      const child = env.client.workflow.getHandle(workflowIds.cluster(spec.namespace, spec.name, 'cluster-1'));
      const firstRun = (await child.describe()).runId;
      // Flap health until the lifecycle has continued as new at least once.
      for (let i = 0; i < 12 && (await child.describe()).runId === firstRun; i++) {
        c1.healthy = !c1.healthy;
        await until((s) => (s.phase === 'Running') === c1.healthy, `flap ${i}`);
      }
      c1.healthy = true;
      const after = await until((s) => s.phase === 'Running', 'Running after continue-as-new');
      expect((await child.describe()).runId).not.toBe(firstRun);
      const status = await child.query(clusterStatusQuery);
      // Transitions recorded before continue-as-new are still there in the new run.
      expect(status.transitions.map((t) => t.phase)).toEqual(expect.arrayContaining(['Running', 'Degraded']));
      expect(after.clusters[0]?.transitions.length).toBeGreaterThanOrEqual(3);
      expect(c1.calls.filter((x) => x === 'install')).toHaveLength(0);
      expect(c1.calls.filter((x) => x === 'preflight')).toHaveLength(1);
    },
    { historyLimit: 40 },
  );
}, 300_000);
