// The lifecycle's one decision function: from what it remembers, what it just saw and the spec, what to do next and
// what to show. Pure and deterministic (no clock: observations carry their time), so every transition is a row in
// a table test (test/unit/workflows/next-step.test.ts). workflows/cluster-lifecycle.ts only loops observe ->
// decide -> do. More inputs (a rollout's spec revision, dependencies) belong here, as state fields or gates.
import type { IntegrationSpec } from '../../shared/types.js';
import { onFailure } from './failure-policy.js';
import { onInstalled, onPreflight, onRecovered, onResumed, onTool, onUninstalled } from './fold-results.js';
import { onWatched } from './fold-watch.js';
import { MAX_WATCH_MS, unreachableAfterMs } from './policy.js';
import type { Action, LifecycleState, Observation, Step } from './types.js';

export function nextStep(state: LifecycleState, obs: Observation, spec: IntegrationSpec): Step {
  // Decisions never change the caller's object: the loop keeps the returned state.
  const s: LifecycleState = { ...state, status: { ...state.status } };
  switch (obs.kind) {
    case 'woke':
      return onWake(s, obs.at, spec);
    case 'resumed':
      return onResumed(s);
    case 'preflight':
      return onPreflight(s, obs.result);
    case 'tool':
      return onTool(s, obs.result, spec);
    case 'installed':
      return onInstalled(s, obs, spec);
    case 'recovered':
      return onRecovered(s, obs.detail);
    case 'watched':
      return onWatched(s, obs, spec);
    case 'uninstalled':
      return onUninstalled(s);
    case 'failed':
      return onFailure(s, obs, spec);
  }
}

/** Whether the lifecycle must hold still: paused, or disabled in the spec (the loop waits on this while holding). */
export function isHeld(s: LifecycleState, spec: IntegrationSpec): boolean {
  return s.paused || !spec.enabled;
}

/** The first gate that holds installs back, if any. */
export function unmetGate(s: LifecycleState) {
  return s.gates?.find((g) => !g.met);
}

/** Nothing new was seen: delete, pause and reinstall requests come first, then the current stage's action. */
function onWake(s: LifecycleState, now: number, spec: IntegrationSpec): Step {
  const keep = (action: Action): Step => ({ state: s, action, phase: s.status.phase, message: s.status.message });
  if (s.deleteRequest) {
    if (s.deleteRequest.uninstall && spec.install) {
      return { state: s, action: { kind: 'uninstall' }, phase: 'Installing', message: `uninstalling ${spec.type}` };
    }
    return { ...keep({ kind: 'end' }), message: 'integration deleted; tool left installed', removed: true };
  }
  if (isHeld(s, spec)) {
    const message = s.paused ? 'paused' : 'disabled in spec (enabled: false)';
    return { state: s, action: { kind: 'hold' }, phase: 'Paused', message };
  }
  if (s.reinstallRequested && spec.install && s.stage !== 'preflight') {
    s.stage = 'install';
    s.installReason = 'reinstall requested';
  }
  switch (s.stage) {
    case 'preflight':
      return keep({ kind: 'preflight' });
    case 'decide':
      return keep({ kind: 'observe' });
    case 'install':
      return installHead(s, spec);
    case 'recover':
      return recoverHead(s);
    case 'monitor': {
      const inGrace = s.graceUntil !== undefined && now < s.graceUntil;
      const reinstallAfter = spec.remediation.reinstallAfterUnhealthyChecks;
      return keep({
        kind: 'watch',
        returnBy: inGrace ? (s.graceUntil as number) : now + MAX_WATCH_MS,
        returnAfterUnhealthyChecks: spec.install && !inGrace ? reinstallAfter : undefined,
        unreachableAfterMs: unreachableAfterMs(spec),
      });
    }
  }
}

function installHead(s: LifecycleState, spec: IntegrationSpec): Step {
  const install = spec.install;
  if (!install) {
    s.stage = 'monitor';
    return { state: s, action: { kind: 'next' }, phase: s.status.phase, message: s.status.message };
  }
  const gate = unmetGate(s);
  if (gate) {
    return {
      state: s,
      action: { kind: 'wait', ms: spec.healthCheckIntervalMs },
      phase: 'Pending',
      message: `waiting for ${gate.name}: ${gate.message}`,
    };
  }
  const what =
    install.method === 'helm'
      ? `chart ${install.chart.chart} ${install.chart.version ?? ''}`.trim()
      : `manifest ${install.source}`;
  const waiting = s.waitingForHelm ? `; waiting its turn: ${s.waitingForHelm}` : '';
  s.reinstallRequested = false;
  s.installWanted = undefined;
  return {
    state: s,
    action: { kind: 'install' },
    phase: 'Installing',
    message: `installing ${what} (${s.installReason ?? 'install'})${waiting}`,
  };
}

function recoverHead(s: LifecycleState): Step {
  const r = s.recovery;
  if (!r) {
    s.stage = 'decide';
    return { state: s, action: { kind: 'next' }, phase: s.status.phase, message: s.status.message };
  }
  const how = r.verb === 'rollback' ? `rolling back to revision ${r.revision}` : 'uninstalling it';
  return {
    state: s,
    action:
      r.verb === 'rollback'
        ? { kind: 'rollback', release: r.release, revision: r.revision }
        : { kind: 'uninstall-release', release: r.release },
    phase: 'Installing',
    message: `recovering: ${r.why}; ${how}`,
  };
}
