import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  deleteSignal,
  pauseUpdate,
  reinstallUpdate,
  resumeUpdate,
  updateSpecUpdate,
  workflowIds,
} from '../../workflows/definitions.js';
import { FakeCluster } from './helpers/fake-cluster.js';
import { argocdSpec, phaseOf, withIntegration } from './helpers/harness.js';
import { saveHistory } from './helpers/histories.js';
import { createTimeSkippingEnv, teardownTimeSkippingEnv } from './helpers/time-skipping.js';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
}, 120_000);
afterAll(async () => {
  await teardownTimeSkippingEnv(env);
});

const installedCluster = () => {
  const c = new FakeCluster();
  c.installed = true;
  c.chartVersion = '5.51.6';
  return c;
};
const count = (c: FakeCluster, call: string) => c.calls.filter((x) => x === call).length;

test('pause stops health checks for all clusters; resume starts them again', async () => {
  const c1 = installedCluster();
  await withIntegration(env, { 'cluster-1': c1 }, argocdSpec(), async ({ handle, until }) => {
    await until((s) => s.phase === 'Running', 'Running');
    const paused = await handle.executeUpdate(pauseUpdate, { args: [{}] });
    expect(paused.clusters).toEqual(['cluster-1']);
    const s = await until((x) => x.phase === 'Paused', 'Paused');
    expect(s.paused).toBe(true);
    const child = env.client.workflow.getHandle(workflowIds.cluster('ksit-system', 'argocd', 'cluster-1'));
    const scheduled = async () =>
      ((await child.fetchHistory()).events ?? []).filter((e) => e.activityTaskScheduledEventAttributes).length;
    const scheduledWhenPaused = await scheduled();
    await env.sleep(10 * 60_000);
    // Ten minutes paused: no activity was scheduled. (The watch that was running when the pause came is
    // cancelled; it hears so with its next heartbeat's response.)
    expect(await scheduled()).toBe(scheduledWhenPaused);
    const checksAfterPause = count(c1, 'check');
    await handle.executeUpdate(resumeUpdate, { args: [{}] });
    await until((x) => x.phase === 'Running' && !x.paused, 'Running after resume');
    expect(count(c1, 'check')).toBeGreaterThan(checksAfterPause);
    expect(await scheduled()).toBeGreaterThan(scheduledWhenPaused);
    await saveHistory(env, handle.workflowId, 'integration-pause-resume');
  });
}, 300_000);

test('reinstall on one cluster reinstalls there only; an unknown cluster is rejected', async () => {
  const c1 = installedCluster();
  const c2 = installedCluster();
  const spec = argocdSpec({ targetClusters: ['cluster-1', 'cluster-2'] });
  await withIntegration(env, { 'cluster-1': c1, 'cluster-2': c2 }, spec, async ({ handle, until }) => {
    await until((s) => s.phase === 'Running' && s.clusters.length === 2, 'Running');
    await expect(handle.executeUpdate(reinstallUpdate, { args: [{ cluster: 'cluster-9' }] })).rejects.toThrow(
      WorkflowUpdateFailedError,
    );
    const r = await handle.executeUpdate(reinstallUpdate, { args: [{ cluster: 'cluster-2' }] });
    expect(r.clusters).toEqual(['cluster-2']);
    const s = await until(
      (x) =>
        (x.clusters.find((c) => c.cluster === 'cluster-2')?.transitions ?? []).some((t) =>
          /reinstall requested/.test(t.message),
        ) && x.phase === 'Running',
      'reinstalled and Running',
    );
    expect(phaseOf(s, 'cluster-2')).toBe('Running');
    expect(count(c2, 'install')).toBe(1);
    expect(count(c1, 'install')).toBe(0);
  });
}, 300_000);

test('a spec update rolls out a new chart version; a bad spec is rejected and never enters history', async () => {
  const c1 = installedCluster();
  const spec = argocdSpec();
  await withIntegration(env, { 'cluster-1': c1 }, spec, async ({ handle, until }) => {
    await until((s) => s.phase === 'Running', 'Running');
    const bad = { ...spec, healthCheckIntervalMs: 0 };
    await expect(handle.executeUpdate(updateSpecUpdate, { args: [bad] })).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/healthCheckInterval must be at least 1s/) },
    });
    const history = await handle.fetchHistory();
    const updates = (history.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
    expect(updates).toHaveLength(0);

    const same = await handle.executeUpdate(updateSpecUpdate, { args: [spec] });
    expect(same.changed).toBe(false);
    const next = argocdSpec({
      install: {
        ...(spec.install as Extract<typeof spec.install, { method: 'helm' }>),
        chart: { ...(spec.install as Extract<typeof spec.install, { method: 'helm' }>).chart, version: '5.52.0' },
      },
    });
    expect((await handle.executeUpdate(updateSpecUpdate, { args: [next] })).changed).toBe(true);
    await until((s) => s.phase === 'Running' && c1.chartVersion === '5.52.0', 'Running on 5.52.0');
    expect(count(c1, 'install')).toBe(1);
  });
}, 300_000);

test('delete with uninstall removes the tool from every cluster and ends the workflow', async () => {
  const c1 = installedCluster();
  const c2 = installedCluster();
  const spec = argocdSpec({ targetClusters: ['cluster-1', 'cluster-2'] });
  await withIntegration(env, { 'cluster-1': c1, 'cluster-2': c2 }, spec, async ({ handle, until }) => {
    await until((s) => s.phase === 'Running' && s.clusters.length === 2, 'Running');
    await handle.signal(deleteSignal, { uninstall: true });
    const final = await handle.result();
    expect(c1.installed).toBe(false);
    expect(c2.installed).toBe(false);
    expect(final.clusters.every((c) => c.removed)).toBe(true);
    await saveHistory(env, handle.workflowId, 'integration-delete-uninstall');
  });
}, 300_000);
