// The lifecycle's one decision function: from what it remembers, what it just saw and the spec, what to do next and
// what to show. Pure and deterministic (no clock: observations carry their time), so every transition is a row in
// a table test (test/unit/workflows/next-step.test.ts). workflows/cluster-lifecycle.ts only loops observe ->
// decide -> do. More inputs (a rollout's spec revision, dependencies) belong here, as state fields or gates.
import type { IntegrationSpec } from '../../shared/types.js';
import { onFailure } from './failure-policy.js';
import { onInstalled, onPreflight, onRecovered, onResumed, onTool, onUninstalled } from './fold-results.js';
import { onWatched } from './fold-watch.js';
import { MAX_WATCH_MS, unreachableAfterMs } from './policy.js';
import type { Action, Gate, LifecycleState, Observation, Step } from './types.js';

/**
 * Decision rules that changed while workflows were running. Each is on in new runs and off when replaying a run
 * recorded before it (the workflow passes what patched() says), so old histories replay as they ran.
 */
export interface DecisionRules {
  /**
   * Monitor-only (no install): go from preflight straight to the watch. The first look at the tool only decides
   * installs, and the watch's first check reports at once; skipping it saves an activity and a workflow task per
   * start (BENCHMARKS.md, ramp).
   */
  monitorOnlyWatchesAfterPreflight?: boolean;
}

export function nextStep(
  state: LifecycleState,
  obs: Observation,
  spec: IntegrationSpec,
  rules: DecisionRules = {},
): Step {
  // Decisions never change the caller's object: the loop keeps the returned state.
  const s: LifecycleState = { ...state, status: { ...state.status } };
  switch (obs.kind) {
    case 'woke':
      return onWake(s, obs.at, spec);
    case 'resumed':
      return onResumed(s);
    case 'preflight':
      return onPreflight(s, obs.result, !spec.install && rules.monitorOnlyWatchesAfterPreflight === true);
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

/** Held back by a gate: Pending (or Failed for a gate only a spec change opens) until it changes. */
function gatedStep(s: LifecycleState, gate: Gate): Step {
  return {
    state: s,
    action: { kind: 'wait', ms: gate.recheckMs },
    phase: gate.phase ?? 'Pending',
    message: gate.statusMessage ?? `waiting for ${gate.name} (${gate.message})`,
  };
}

/** Nothing new was seen: delete, pause and reinstall requests come first, then the current stage's action. */
function onWake(s: LifecycleState, now: number, spec: IntegrationSpec): Step {
  const keep = (action: Action): Step => ({ state: s, action, phase: s.status.phase, message: s.status.message });
  if (s.deleteRequest) {
    const heldBy = s.deleteRequest.heldBy ?? [];
    if (s.deleteRequest.uninstall && spec.install && heldBy.length > 0 && !s.deleteRequest.force) {
      // Reverse order: dependents installed here go first; the Integration re-sends the request as they leave.
      const message = `uninstall held: still needed here by ${heldBy.join(', ')} (delete those first, or delete with --force)`;
      return { state: s, action: { kind: 'wait' }, phase: 'Pending', message };
    }
    if (s.deleteRequest.uninstall && spec.install) {
      return { state: s, action: { kind: 'uninstall' }, phase: 'Installing', message: `uninstalling ${spec.type}` };
    }
    return { ...keep({ kind: 'end' }), message: 'integration deleted; tool left installed', removed: true };
  }
  if (isHeld(s, spec)) {
    const message = s.paused ? 'paused' : 'disabled in spec (enabled: false)';
    return { state: s, action: { kind: 'hold' }, phase: 'Paused', message };
  }
  const fatal = s.gates?.find((g) => !g.met && g.phase === 'Failed');
  if (fatal) return gatedStep(s, fatal);
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
      // Monitor-only: the first watch waits for the dependencies, like an install does.
      const gate = !spec.install && !s.watchStarted ? unmetGate(s) : undefined;
      if (gate) return gatedStep(s, gate);
      s.watchStarted = true;
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
  if (gate) return gatedStep(s, gate);
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
