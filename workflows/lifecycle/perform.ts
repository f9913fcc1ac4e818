// The "do" half of the lifecycle: runs one Action with its activity (or timer) and returns what it saw as an
// Observation. No decisions here: failures come back typed, interruptions as `woke`, for nextStep to judge.
import { ActivityFailure, ApplicationFailure, condition, sleep, TimeoutFailure } from '@temporalio/workflow';
import type { PairRef } from '../../activities/watch-health.js';
import { UnclassifiedFailure } from '../../shared/failure-types.js';
import type { IntegrationSpec, TargetSpec } from '../../shared/types.js';
import { clusterActivities, installActivities, watchActivities } from '../activity-proxies.js';
import { isHeld } from './next-step.js';
import type { Action, FailureInfo, LifecycleState, Observation } from './types.js';

export interface PerformContext {
  target: TargetSpec;
  /** The current spec and state: signals replace or change them while an action runs. */
  spec(): IntegrationSpec;
  state(): LifecycleState;
  /** Runs `fn` so that a signal can interrupt it; undefined when interrupted. */
  interruptible<T>(fn: () => Promise<T>): Promise<T | undefined>;
}

/** The failure's type as the workflow sees it: ours, or one of the two unclassified kinds. */
export function failureInfo(err: unknown): FailureInfo {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  const message = cause instanceof Error ? cause.message : String(cause);
  if (cause instanceof ApplicationFailure && cause.type) return { type: cause.type, message };
  if (cause instanceof TimeoutFailure) {
    return { type: UnclassifiedFailure.ActivityTimeout, message: `timed out (${cause.timeoutType}): ${message}` };
  }
  return { type: UnclassifiedFailure.Untyped, message };
}

export async function perform(ctx: PerformContext, action: Action): Promise<Observation> {
  try {
    return await run(ctx, action);
  } catch (err) {
    return { kind: 'failed', at: Date.now(), action: action.kind, failure: failureInfo(err) };
  }
}

async function run(ctx: PerformContext, action: Action): Promise<Observation> {
  const spec = ctx.spec();
  const { target } = ctx;
  // owner: releases are labelled with their Integration, and one it does not own is never touched.
  const ids = {
    cluster: target.clusterName,
    credentials: target.credentials,
    owner: { namespace: spec.namespace, name: spec.name },
  };
  const woke = (): Observation => ({ kind: 'woke', at: Date.now() });
  /** Labels for the worker's metrics, and the phase it exports while the activity runs. */
  const metrics = () => ({
    pair: { namespace: spec.namespace, integration: spec.name, type: spec.type, cluster: target.name } as PairRef,
    phase: ctx.state().status.phase,
  });
  const install = spec.install;
  const helm = install?.method === 'helm' ? install : undefined;
  switch (action.kind) {
    case 'preflight': {
      const result = await ctx.interruptible(() =>
        clusterActivities.preflightCluster({
          ...ids,
          namespace: spec.toolNamespace,
          kubeVersionRange: spec.kubeVersionRange,
          install: !!install,
          readsEndpoints: spec.components.some((c) => c.kind === 'Service'),
          probesServices: spec.healthEndpoint !== undefined,
        }),
      );
      return result ? { kind: 'preflight', at: Date.now(), result } : woke();
    }
    case 'observe': {
      const result = await ctx.interruptible(() =>
        clusterActivities.observeTool({
          ...ids,
          namespace: spec.toolNamespace,
          components: spec.components,
          healthEndpoint: spec.healthEndpoint,
          releaseName: helm?.releaseName,
        }),
      );
      return result ? { kind: 'tool', at: Date.now(), result } : woke();
    }
    case 'install': {
      if (!install) return woke();
      const result = await ctx.interruptible(() =>
        installActivities(install).installTool({ ...ids, namespace: spec.toolNamespace, install, ...metrics() }),
      );
      return result ? { kind: 'installed', at: Date.now(), result } : woke();
    }
    case 'rollback':
    case 'uninstall-release': {
      if (!install) return woke();
      const recover = { ...ids, namespace: spec.toolNamespace, releaseName: action.release };
      const result = await ctx.interruptible(() =>
        action.kind === 'rollback'
          ? installActivities(install).rollbackRelease({ ...recover, revision: action.revision })
          : installActivities(install).uninstallRelease(recover),
      );
      return result ? { kind: 'recovered', at: Date.now(), detail: result.detail } : woke();
    }
    case 'watch': {
      const now = Date.now();
      const result = await ctx.interruptible(() =>
        watchActivities(spec.healthCheckIntervalMs, action.returnBy - now).watchHealth({
          ...ids,
          namespace: spec.toolNamespace,
          components: spec.components,
          healthEndpoint: spec.healthEndpoint,
          release: helm
            ? { name: helm.releaseName, chartVersion: helm.chart.version, timeoutMs: helm.timeoutMs }
            : undefined,
          manifest:
            install?.method === 'manifest'
              ? { source: install.source, appliedDigest: ctx.state().appliedManifest }
              : undefined,
          intervalMs: spec.healthCheckIntervalMs,
          returnBy: action.returnBy,
          lastSignature: ctx.state().lastSignature,
          returnAfterUnhealthyChecks: action.returnAfterUnhealthyChecks,
          unreachableAfterMs: action.unreachableAfterMs,
          ...metrics(),
        }),
      );
      return result ? { kind: 'watched', at: Date.now(), result } : woke();
    }
    case 'wait':
      await ctx.interruptible(() => (action.ms === undefined ? condition(() => false) : sleep(action.ms)));
      return woke();
    case 'hold':
      await condition(() => !isHeld(ctx.state(), ctx.spec()) || ctx.state().deleteRequest !== undefined);
      return { kind: 'resumed', at: Date.now() };
    case 'uninstall':
      if (!install) return woke();
      await installActivities(install).uninstallTool({ ...ids, namespace: spec.toolNamespace, install });
      return { kind: 'uninstalled', at: Date.now() };
    case 'next':
    case 'end':
      return woke();
  }
}
