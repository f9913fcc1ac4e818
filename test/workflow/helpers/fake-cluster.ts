import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Activities } from '../../../activities/index.js';
import { judgeCheck, type Observation, type WatchHealthInput } from '../../../activities/watch-health.js';
import { FailureType } from '../../../shared/failure-types.js';
import { releaseDrift, type ReleaseState } from '../../../shared/lifecycle/drift.js';
import type { HealthReport, TargetSpec } from '../../../shared/types.js';
import { ActivityClock } from './activity-clock.js';

/**
 * A scripted cluster for workflow tests: plain fields the test flips to make the cluster unreachable,
 * unhealthy, forbidden or absent. Only pure workflow logic is under test here; real clusters are in test/e2e.
 */
export class FakeCluster {
  reachable = true;
  installed = false;
  healthy = true;
  reason = 'argocd-repo-server: 0/1 ready, CrashLoopBackOff (3 restarts)';
  chartVersion?: string;
  releaseStatus = 'deployed';
  preflightDenied?: string;
  installFailure?: 'rejected' | 'transient' | 'helm' | 'busy';
  /** The install succeeds but creates none of the components (e.g. a release name the chart prefixes them with). */
  installLeavesNothing = false;
  /** The components run but no Helm release of ours exists: someone installed the tool another way. */
  installedByOthers = false;
  /** A release left in pending-install since this (test-server) time: a Helm operation that may still run. */
  pendingSince?: number;
  readonly calls: string[] = [];

  report(): HealthReport {
    if (!this.installed) {
      return { healthy: false, absent: true, components: [], reason: 'argocd-server: not found' };
    }
    const comp = {
      kind: 'Deployment' as const,
      name: 'argocd-repo-server',
      ready: this.healthy ? 1 : 0,
      desired: 1,
      healthy: this.healthy,
    };
    return this.healthy
      ? { healthy: true, absent: false, components: [comp] }
      : { healthy: false, absent: false, components: [{ ...comp, reason: this.reason }], reason: this.reason };
  }

  unreachable(): ApplicationFailure {
    return ApplicationFailure.retryable('cluster unreachable (ECONNREFUSED)', FailureType.Unreachable);
  }
}

export function target(name: string): TargetSpec {
  return {
    name,
    namespace: 'ksit-system',
    clusterName: name,
    labels: { env: 'test' },
    credentials: { kind: 'secret', namespace: 'ksit-system', name: `${name}-kubeconfig`, key: 'kubeconfig' },
  };
}

/**
 * Activities backed by FakeClusters. The health watch advances the test server's clock one interval per check.
 * `settle()` waits for the watches and clock calls still in flight, so none outlives the test server (a gRPC retry
 * firing after teardown would crash the next test file in the same jest worker).
 */
export function fakeActivities(
  env: TestWorkflowEnvironment,
  clusters: Record<string, FakeCluster>,
): { activities: Partial<Activities>; settle(): Promise<void>; givenBack(workflowId: string): number } {
  const inflight = new Set<Promise<unknown>>();
  let watching = 0;
  /** Workflow id -> how many of its watches gave their time-skipping lock back themselves (activity-clock.ts). */
  const gaveBack = new Map<string, number>();
  const track = <T>(p: Promise<T>): Promise<T> => {
    inflight.add(p);
    void p.finally(() => inflight.delete(p)).catch(() => undefined);
    return p;
  };
  const get = (name: string) => {
    const c = clusters[name];
    if (!c) throw new Error(`no fake cluster ${name}`);
    return c;
  };
  const releaseOf = (c: FakeCluster, now: number): ReleaseState => {
    if (c.pendingSince !== undefined) {
      return { exists: true, status: 'pending-install', revision: 1, ageMs: now - c.pendingSince };
    }
    return c.installed && !c.installedByOthers
      ? { exists: true, status: c.releaseStatus, chartVersion: c.chartVersion, revision: 1, ageMs: 0 }
      : { exists: false };
  };
  const observe = (c: FakeCluster, input: WatchHealthInput, now: number): Observation => {
    if (!c.reachable) return { kind: 'unreachable', message: 'cluster unreachable (ECONNREFUSED)' };
    const report = c.report();
    if (!input.release) return { kind: 'health', report };
    const release = releaseOf(c, now);
    return { kind: 'health', report, release, drift: releaseDrift(release, input.release)?.message };
  };
  // The health watch: checks, then naps through workflow time until the next check, heartbeating.
  const fakeWatch = async (input: WatchHealthInput) => {
    const c = get(input.cluster);
    const ctx = Context.current();
    const cancelled = ctx.cancellationSignal;
    const workflowId = ctx.info.workflowExecution?.workflowId ?? '';
    const clock = new ActivityClock(
      env,
      track,
      () => ctx.cancellationDetails,
      () => env.client.activity.heartbeat(ctx.info.taskToken),
      () => gaveBack.set(workflowId, (gaveBack.get(workflowId) ?? 0) + 1),
    );
    let consecutiveUnhealthy = 0;
    for (let checks = 1; ; checks++) {
      if (cancelled.aborted) throw cancelled.reason;
      c.calls.push('check');
      const now = await track(env.currentTimeMs());
      const observation = observe(c, input, now);
      // The real watch's own return rule; only the clock is the test server's.
      const verdict = judgeCheck(input, observation, consecutiveUnhealthy, now);
      consecutiveUnhealthy = verdict.consecutiveUnhealthy;
      if (verdict.returnNow) {
        return { observation, checks, signature: verdict.signature, consecutiveUnhealthy, at: now };
      }
      // Pause, delete and reinstall cancel the watch; the heartbeat's response is how the cancel arrives, so
      // the nap races it, as the real watch's does. Each nap starts right after a heartbeat the server has
      // seen, so 8 s naps stay inside the 13 s heartbeat timeout; fewer naps make skipped time cheaper.
      const wakeAt = now + Math.min(input.intervalMs, Math.max(1, input.returnBy - now));
      for (let t = now; t < wakeAt; t = await track(env.currentTimeMs())) {
        await clock.nap(Math.min(8_000, wakeAt - t), () => ctx.heartbeat(), cancelled);
      }
    }
  };
  const activities: Partial<Activities> = {
    async preflightCluster(input) {
      const c = get(input.cluster);
      c.calls.push('preflight');
      if (!c.reachable) throw c.unreachable();
      const ok = !c.preflightDenied;
      return {
        ok,
        serverVersion: 'v1.36.3',
        namespaceExists: c.installed,
        checks: [{ name: 'rbac', ok, detail: c.preflightDenied ?? 'may install and monitor' }],
      };
    },
    async observeTool(input) {
      const c = get(input.cluster);
      c.calls.push('observe');
      if (!c.reachable) throw c.unreachable();
      return {
        report: c.report(),
        release: input.releaseName ? releaseOf(c, await track(env.currentTimeMs())) : undefined,
      };
    },
    async installTool(input) {
      const c = get(input.cluster);
      c.calls.push('install');
      if (c.installFailure === 'rejected') {
        throw ApplicationFailure.nonRetryable(
          'helm upgrade --install failed: chart argo-cd not found',
          FailureType.InstallRejected,
        );
      }
      if (c.installFailure === 'helm') {
        throw ApplicationFailure.retryable(
          'helm upgrade --install failed: timed out waiting for the condition',
          FailureType.HelmFailed,
        );
      }
      if (c.installFailure === 'busy') {
        throw ApplicationFailure.create({
          type: FailureType.HelmBusy,
          message: 'this worker already runs 4 Helm processes (KSIT_MAX_HELM_PROCESSES=4) and 9 more installs wait',
          nextRetryDelay: '10 seconds',
        });
      }
      if (c.installFailure === 'transient' || !c.reachable) throw c.unreachable();
      if (c.pendingSince !== undefined) {
        throw ApplicationFailure.nonRetryable('release argocd is pending-install', FailureType.ReleaseLocked);
      }
      if (c.installLeavesNothing) return { detail: 'helm release argocd revision 1' };
      c.installed = true;
      c.releaseStatus = 'deployed';
      c.chartVersion = input.install.method === 'helm' ? input.install.chart.version : undefined;
      return { detail: 'helm release argocd revision 1' };
    },
    async uninstallRelease(input) {
      const c = get(input.cluster);
      c.calls.push('uninstall-release');
      c.pendingSince = undefined;
      return { detail: `uninstalled release ${input.releaseName}` };
    },
    async rollbackRelease(input) {
      const c = get(input.cluster);
      c.calls.push('rollback');
      c.pendingSince = undefined;
      return { detail: `rolled release ${input.releaseName} back to revision ${input.revision}` };
    },
    async uninstallTool(input) {
      const c = get(input.cluster);
      c.calls.push('uninstall');
      c.installed = false;
      return { removed: true };
    },
    async resolveTargets(input) {
      const targets = Object.keys(clusters).map(target);
      const found = input.names.filter((n) => clusters[n]).map(target);
      const missing = input.names.filter((n) => !clusters[n]);
      const selected = input.selector ? targets : found;
      return { targets: selected, missing };
    },
    async probeTarget(t) {
      if (!get(t.name).reachable) throw get(t.name).unreachable();
      return { server: 'https://127.0.0.1:6443', serverVersion: 'v1.36.3' };
    },
    async watchHealth(input) {
      watching++;
      try {
        return await fakeWatch(input);
      } finally {
        watching--;
      }
    },
  };
  return {
    activities,
    givenBack: (workflowId) => gaveBack.get(workflowId) ?? 0,
    settle: async () => {
      // Call with the worker still running, after terminating the workflows: each watch still napping hears
      // "not found" with its next heartbeat and ends (activity-clock.ts); sleeping lets its nap end at once.
      for (let step = 0; (watching > 0 || inflight.size > 0) && step < 100; step++) {
        await env.sleep(5_000).catch(() => undefined);
      }
      await Promise.allSettled([...inflight]);
    },
  };
}
