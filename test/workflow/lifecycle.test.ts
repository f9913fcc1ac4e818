import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { FakeCluster } from './helpers/fake-cluster.js';
import { argocdSpec, phaseOf, withIntegration } from './helpers/harness.js';
import { saveHistory } from './helpers/histories.js';
import { workflowIds } from '../../workflows/definitions.js';
import { createTimeSkippingEnv, teardownTimeSkippingEnv } from './helpers/time-skipping.js';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
}, 120_000);
afterAll(async () => {
  await teardownTimeSkippingEnv(env);
});

const phases = (s: { clusters: { cluster: string; transitions: { phase: string }[] }[] }, cluster: string) =>
  s.clusters.find((c) => c.cluster === cluster)?.transitions.map((t) => t.phase) ?? [];

test('installs when absent, stays Progressing (not Failed) inside the grace period, then Degraded, then Running', async () => {
  const c1 = new FakeCluster();
  c1.healthy = false;
  await withIntegration(env, { 'cluster-1': c1 }, argocdSpec(), async ({ until }) => {
    const installed = await until((s) => phaseOf(s, 'cluster-1') === 'Progressing', 'Progressing after install');
    expect(c1.calls).toContain('install');
    const progressing = installed.clusters[0]?.transitions.filter((t) => t.phase === 'Progressing') ?? [];
    expect(progressing[0]?.message).toMatch(/^installed: helm release argocd/);
    const degraded = await until((s) => phaseOf(s, 'cluster-1') === 'Degraded', 'Degraded after grace', 30_000);
    expect(degraded.clusters[0]?.message).toContain('CrashLoopBackOff');
    expect(degraded.phase).toBe('Degraded');
    expect(phases(degraded, 'cluster-1')).not.toContain('Failed');
    c1.healthy = true;
    const running = await until((s) => s.phase === 'Running', 'Running after the fault clears');
    expect(running.clusters[0]?.message).toBe('1/1 components ready');
    await saveHistory(
      env,
      workflowIds.cluster('ksit-system', 'argocd', 'cluster-1'),
      'cluster-install-grace-degraded-running',
    );
  });
}, 300_000);

test('an unreachable cluster shows Unreachable, not Failed, and recovers by itself without reinstalling', async () => {
  const c1 = new FakeCluster();
  c1.installed = true;
  c1.chartVersion = '5.51.6';
  await withIntegration(env, { 'cluster-1': c1 }, argocdSpec(), async ({ until }) => {
    await until((s) => s.phase === 'Running', 'Running');
    c1.reachable = false;
    const down = await until((s) => s.phase === 'Unreachable', 'Unreachable');
    expect(down.clusters[0]?.message).toMatch(/unreachable/i);
    c1.reachable = true;
    const back = await until((s) => s.phase === 'Running', 'Running again');
    expect(phases(back, 'cluster-1')).toEqual(expect.arrayContaining(['Running', 'Unreachable']));
    expect(phases(back, 'cluster-1')).not.toContain('Failed');
    expect(c1.calls).not.toContain('install');
  });
}, 300_000);

test('a permanent install failure surfaces at once as Failed with the reason', async () => {
  const c1 = new FakeCluster();
  c1.installFailure = 'rejected';
  await withIntegration(env, { 'cluster-1': c1 }, argocdSpec(), async ({ until }) => {
    const failed = await until((s) => s.phase === 'Failed', 'Failed');
    expect(failed.clusters[0]?.message).toContain('chart argo-cd not found');
    expect(c1.calls.filter((c) => c === 'install')).toHaveLength(1);
  });
}, 300_000);

test('an install that Helm keeps failing is Failed (not Unreachable), is retried, and recovers', async () => {
  const c1 = new FakeCluster();
  c1.installFailure = 'helm';
  await withIntegration(env, { 'cluster-1': c1 }, argocdSpec(), async ({ until }) => {
    const failed = await until((s) => s.phase === 'Failed', 'Failed');
    expect(failed.clusters[0]?.message).toMatch(/^install failed, retrying every 30s: .*timed out waiting/);
    expect(phases(failed, 'cluster-1')).not.toContain('Unreachable');
    const attempts = c1.calls.filter((c) => c === 'install').length;
    c1.installFailure = undefined;
    await until((s) => s.phase === 'Running', 'Running once Helm succeeds');
    expect(c1.calls.filter((c) => c === 'install').length).toBeGreaterThan(attempts);
  });
}, 300_000);

test('an install that waits for a Helm slot on busy workers stays Installing and says why, then installs', async () => {
  const c1 = new FakeCluster();
  c1.installFailure = 'busy';
  await withIntegration(env, { 'cluster-1': c1 }, argocdSpec(), async ({ until }) => {
    const waiting = await until((s) => /waiting its turn/.test(s.clusters[0]?.message ?? ''), 'waiting its turn');
    expect(waiting.clusters[0]?.phase).toBe('Installing');
    expect(waiting.clusters[0]?.message).toMatch(
      /^installing chart argo-cd 5\.51\.6 \(argocd is not installed\); waiting its turn: .*KSIT_MAX_HELM_PROCESSES=4/,
    );
    // Attempts go on while it waits, with one transition for it, not one per attempt.
    const attempts = c1.calls.filter((c) => c === 'install').length;
    await until(() => c1.calls.filter((c) => c === 'install').length >= attempts + 6, 'more attempts');
    const later = await until((s) => s.clusters[0]?.phase === 'Installing', 'still Installing');
    expect(later.clusters[0]?.transitions.filter((t) => /waiting its turn/.test(t.message))).toHaveLength(1);
    c1.installFailure = undefined;
    const running = await until((s) => s.phase === 'Running', 'Running once a slot is free');
    expect(phases(running, 'cluster-1')).not.toContain('Failed');
    expect(phases(running, 'cluster-1')).not.toContain('Unreachable');
  });
}, 300_000);

test('an install that creates none of the components is Failed once, not reinstalled in a loop', async () => {
  const c1 = new FakeCluster();
  c1.installLeavesNothing = true;
  c1.chartVersion = '5.51.6';
  await withIntegration(env, { 'cluster-1': c1 }, argocdSpec(), async ({ until }) => {
    const failed = await until((s) => s.phase === 'Failed', 'Failed');
    expect(failed.clusters[0]?.message).toMatch(
      /installed, but none of Deployment\/argocd-repo-server exist in namespace argocd; check the release name/,
    );
    // Twenty more checks (ten minutes, three grace periods) with no second install. Time moves in the harness's
    // small steps: one long env.sleep lets the running watch miss its heartbeat timeout in skipped time, and the
    // Java test server then leaves time skipping locked (temporalio/sdk-java#2246).
    const checks = () => c1.calls.filter((c) => c === 'check').length;
    const checksWhenFailed = checks();
    await until(() => checks() >= checksWhenFailed + 20, 'twenty more checks');
    expect(c1.calls.filter((c) => c === 'install')).toHaveLength(1);
    // Someone fixes it by hand: the watch sees the components and the cluster recovers without a reinstall.
    c1.installed = true;
    await until((s) => s.phase === 'Running', 'Running after the components appear');
    expect(c1.calls.filter((c) => c === 'install')).toHaveLength(1);
  });
}, 300_000);

test('without autoInstall, a cluster lacking the tool is Failed with a message that says so', async () => {
  const c1 = new FakeCluster();
  await withIntegration(env, { 'cluster-1': c1 }, argocdSpec({ install: undefined }), async ({ until }) => {
    const failed = await until((s) => s.phase === 'Failed', 'Failed');
    expect(failed.clusters[0]?.message).toMatch(/not installed in namespace argocd and autoInstall is off/);
    expect(c1.calls).not.toContain('install');
  });
}, 300_000);

test('monitor-only: a healthy tool is Running, watched straight after preflight', async () => {
  const c1 = new FakeCluster();
  c1.installed = true;
  await withIntegration(env, { 'cluster-1': c1 }, argocdSpec({ install: undefined }), async ({ until }) => {
    const running = await until((s) => s.phase === 'Running', 'Running');
    expect(running.clusters[0]?.message).toBe('1/1 components ready');
    // Without an install there is nothing to decide from a first look at the tool: the watch's first check shows it.
    expect(c1.calls.slice(0, 2)).toEqual(['preflight', 'check']);
    await saveHistory(env, workflowIds.cluster('ksit-system', 'argocd', 'cluster-1'), 'cluster-monitor-only-running');
  });
}, 300_000);

test('preflight denied by RBAC is Failed and names what is missing', async () => {
  const c1 = new FakeCluster();
  c1.preflightDenied = 'denied: create deployments in argocd';
  await withIntegration(env, { 'cluster-1': c1 }, argocdSpec(), async ({ until }) => {
    const failed = await until((s) => s.phase === 'Failed', 'Failed');
    expect(failed.clusters[0]?.message).toContain('create deployments in argocd');
    expect(c1.calls).not.toContain('install');
  });
}, 300_000);

test('chart version drift is repaired by reinstalling', async () => {
  const c1 = new FakeCluster();
  c1.installed = true;
  c1.chartVersion = '5.51.5';
  await withIntegration(env, { 'cluster-1': c1 }, argocdSpec(), async ({ until }) => {
    await until((s) => s.phase === 'Running' && c1.chartVersion === '5.51.6', 'Running on the spec version');
    expect(c1.calls).toContain('install');
  });
}, 300_000);

test('two clusters: one Degraded makes the Integration Degraded while the other stays Running', async () => {
  const c1 = new FakeCluster();
  const c2 = new FakeCluster();
  for (const c of [c1, c2]) {
    c.installed = true;
    c.chartVersion = '5.51.6';
  }
  const spec = argocdSpec({ targetClusters: ['cluster-1', 'cluster-2'] });
  await withIntegration(env, { 'cluster-1': c1, 'cluster-2': c2 }, spec, async ({ until }) => {
    await until((s) => s.phase === 'Running' && s.clusters.length === 2, 'both Running');
    c2.healthy = false;
    const s = await until((x) => x.phase === 'Degraded', 'Degraded');
    expect(phaseOf(s, 'cluster-1')).toBe('Running');
    expect(phaseOf(s, 'cluster-2')).toBe('Degraded');
    expect(s.message).toContain('cluster-2');
  });
}, 300_000);

test('remediation reinstalls after N consecutive unhealthy checks past the grace period', async () => {
  const c1 = new FakeCluster();
  c1.installed = true;
  c1.chartVersion = '5.51.6';
  const spec = argocdSpec({ remediation: { reinstallAfterUnhealthyChecks: 3 } });
  await withIntegration(env, { 'cluster-1': c1 }, spec, async ({ until }) => {
    await until((s) => s.phase === 'Running', 'Running');
    c1.healthy = false;
    const s = await until(
      (x) =>
        (x.clusters[0]?.transitions ?? []).some((t) => /remediation: 3 consecutive unhealthy checks/.test(t.message)),
      'a remediation reinstall',
    );
    expect(c1.calls).toContain('install');
    const phases = s.clusters[0]?.transitions.map((t) => t.phase) ?? [];
    expect(phases.indexOf('Degraded')).toBeLessThan(phases.lastIndexOf('Installing'));
  });
}, 300_000);

test('a release pending-install younger than the install timeout is left alone, and recovered once older', async () => {
  const c1 = new FakeCluster();
  c1.pendingSince = await env.currentTimeMs();
  // A short install timeout (2 min) keeps the walk through skipped time short: on a busy CI machine the default
  // 10 minutes took longer than the test's own limit.
  const spec = argocdSpec();
  const install = spec.install?.method === 'helm' ? { ...spec.install, timeoutMs: 120_000 } : spec.install;
  await withIntegration(env, { 'cluster-1': c1 }, { ...spec, install }, async ({ until }) => {
    // Another Helm operation may still be running it: Installing, watching, neither uninstalled nor installed.
    const waiting = await until((s) => /waiting up to the install timeout/.test(s.clusters[0]?.message ?? ''), 'wait');
    expect(waiting.clusters[0]?.phase).toBe('Installing');
    expect(c1.calls).not.toContain('uninstall-release');
    expect(c1.calls).not.toContain('install');
    // Past the install timeout nothing will finish it: recovered as its own step, then installed.
    const running = await until((s) => s.phase === 'Running', 'Running after recovery', 30_000);
    const messages = running.clusters[0]?.transitions.map((t) => t.message).join('\n') ?? '';
    expect(messages).toMatch(/recovering: release argocd is stuck in pending-install .*; uninstalling it/);
    const calls = c1.calls.filter((c) => c === 'uninstall-release' || c === 'install');
    expect(calls).toEqual(['uninstall-release', 'install']);
  });
}, 600_000);

test('a tool installed by other means is monitored and said so, never installed a second time', async () => {
  const c1 = new FakeCluster();
  c1.installed = true;
  c1.installedByOthers = true;
  await withIntegration(env, { 'cluster-1': c1 }, argocdSpec(), async ({ until }) => {
    const running = await until((s) => s.phase === 'Running', 'Running');
    expect(running.clusters[0]?.message).toMatch(
      /installed by other means \(no Helm release argocd\), monitoring only/,
    );
    c1.healthy = false;
    await until((s) => s.phase === 'Degraded', 'Degraded');
    expect(c1.calls).not.toContain('install');
  });
}, 300_000);
