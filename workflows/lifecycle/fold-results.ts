// How the results of preflight, observe, install, recovery and uninstall move the lifecycle on. Pure; the health
// watch's results are in fold-watch.ts and failures in failure-policy.ts.
import type { ObserveToolResult } from '../../activities/index.js';
import type { PreflightResult } from '../../activities/preflight.js';
import type { IntegrationSpec } from '../../shared/types.js';
import { installDecision } from './install-decision.js';
import { FAILED_RECHECK_MS } from './policy.js';
import type { Action, LifecycleState, Observation, Step } from './types.js';

const keep = (s: LifecycleState, action: Action = { kind: 'next' }): Step => ({
  state: s,
  action,
  phase: s.status.phase,
  message: s.status.message,
});

/**
 * A new spec arrived: start over from preflight; when what gets installed changed (chart, version, values, manifest
 * source, namespace), the next decision installs it.
 */
export function onSpecChanged(state: LifecycleState, before: IntegrationSpec, after: IntegrationSpec): LifecycleState {
  // lastSignature cleared: the next watch reports after its first check, so the status is at the new spec at once.
  const s = { ...state, stage: 'preflight' as const, lastSignature: undefined };
  const what = (x: IntegrationSpec) => JSON.stringify([x.install, x.toolNamespace]);
  if (after.install && what(before) !== what(after)) s.installWanted = 'spec changed';
  return s;
}

export function onResumed(s: LifecycleState): Step {
  if (!s.deleteRequest) {
    s.stage = 'preflight';
    s.lastSignature = undefined;
  }
  return keep(s);
}

/** `straightToWatch`: nothing to install, so no first look at the tool (DecisionRules). */
export function onPreflight(s: LifecycleState, result: PreflightResult, straightToWatch = false): Step {
  if (!result.ok) {
    const failed = result.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);
    return {
      state: s,
      action: { kind: 'wait', ms: FAILED_RECHECK_MS },
      phase: 'Failed',
      message: `preflight failed: ${failed.join('; ')}`,
    };
  }
  s.stage = straightToWatch ? 'monitor' : 'decide';
  return keep(s);
}

/** The first look at the tool (after preflight): install, recover, or go on to watching it. */
export function onTool(s: LifecycleState, result: ObserveToolResult, spec: IntegrationSpec): Step {
  const decision = installDecision(spec, result.report, result.release, {
    reinstallRequested: s.reinstallRequested,
    installWanted: s.installWanted,
  });
  switch (decision?.kind) {
    case 'install':
      s.stage = 'install';
      s.installReason = decision.reason;
      return keep(s);
    case 'recover':
      s.stage = 'recover';
      s.recovery = { ...decision.recovery, release: decision.release, why: decision.why };
      return keep(s);
    case 'wait-for-helm-operation':
      // Watch until the operation ends or outlives the install timeout; the watch returns on either change.
      s.stage = 'monitor';
      return { state: s, action: { kind: 'next' }, phase: 'Installing', message: decision.message };
    default:
      s.stage = 'monitor';
      return keep(s);
  }
}

export function onInstalled(
  s: LifecycleState,
  obs: Extract<Observation, { kind: 'installed' }>,
  spec: IntegrationSpec,
): Step {
  s.waitingForHelm = undefined;
  s.appliedManifest = obs.result.manifestDigest ?? s.appliedManifest;
  s.graceUntil = obs.at + spec.gracePeriodMs;
  s.componentsSeenSinceInstall = false;
  s.lastSignature = undefined;
  s.stage = 'monitor';
  const recovered = obs.result.recovered ? `; ${obs.result.recovered}` : '';
  return {
    state: s,
    action: { kind: 'next' },
    phase: 'Progressing',
    message: `installed: ${obs.result.detail}${recovered}; grace period ${Math.round(spec.gracePeriodMs / 1000)}s`,
  };
}

/** A stuck release was rolled back or uninstalled: now install what the spec says. */
export function onRecovered(s: LifecycleState, detail: string): Step {
  s.recovery = undefined;
  s.stage = 'install';
  s.installReason = detail;
  return keep(s);
}

export function onUninstalled(s: LifecycleState): Step {
  return {
    state: s,
    action: { kind: 'end' },
    phase: 'Pending',
    message: 'uninstalled; integration deleted',
    components: [],
    removed: true,
  };
}
