// How a health watch's result moves the lifecycle on: the phase it shows (Running, Progressing inside the grace
// period, Degraded, Unreachable, Failed) and whether the tool needs an install or a recovery. Pure.
import type { IntegrationSpec } from '../../shared/types.js';
import { componentsSummary } from '../../shared/lifecycle/live-check.js';
import { installDecision } from './install-decision.js';
import type { LifecycleState, Observation, Step } from './types.js';

export function onWatched(
  s: LifecycleState,
  obs: Extract<Observation, { kind: 'watched' }>,
  spec: IntegrationSpec,
): Step {
  const { result } = obs;
  const install = spec.install;
  s.lastSignature = result.signature;
  s.status.lastCheckAt = new Date(result.at).toISOString();
  const o = result.observation;
  const next = { kind: 'next' } as const;
  if (o.kind === 'unreachable') return { state: s, action: next, phase: 'Unreachable', message: o.message };
  const { report } = o;
  const components = report.components;
  const show = (phase: Step['phase'], message: string): Step => ({
    state: s,
    action: next,
    phase,
    message,
    components,
  });
  const stillInGrace = s.graceUntil !== undefined && obs.at < s.graceUntil;
  if (!report.absent) s.componentsSeenSinceInstall = true;
  if (install && !stillInGrace && report.absent && s.componentsSeenSinceInstall === false) {
    // Our own install succeeded yet none of the components exist: installing again would loop forever. The usual
    // cause is a release name that the chart puts in front of its workload names. Keep watching rather than wait
    // blind: if the components show up later (a slow operator, a hand fix), the next result moves on by itself.
    const names = spec.components.filter((c) => !c.optional).map((c) => `${c.kind}/${c.name}`);
    return show(
      'Failed',
      `installed, but none of ${names.join(', ')} exist in namespace ${spec.toolNamespace}; check the ` +
        `release name (charts often prefix workload names with it) or the components; still watching, ` +
        `no reinstall until the spec changes or \`ksit reinstall\``,
    );
  }
  const called = installDecision(spec, report, o.release, {
    legacyDrift: o.release ? undefined : o.drift,
    manifestDrift: o.manifestDrift,
  });
  // Inside the grace period a drift is left alone (the components may still be settling), but only deferred: once
  // the tool is healthy the grace period ends here, and the next watch must report its first check so the drift is
  // decided then. Keeping its signature would hide the drift until the watch's deadline, an hour on.
  const deferred = stillInGrace && (called?.kind === 'install' || called?.kind === 'recover');
  const decision = stillInGrace ? undefined : called;
  switch (decision?.kind) {
    case 'install':
      s.stage = 'install';
      s.installReason = decision.reason;
      return { state: s, action: next, phase: s.status.phase, message: s.status.message };
    case 'recover':
      s.stage = 'recover';
      s.recovery = { ...decision.recovery, release: decision.release, why: decision.why };
      return { state: s, action: next, phase: s.status.phase, message: s.status.message };
    case 'wait-for-helm-operation':
      return show('Installing', decision.message);
  }
  if (report.absent && !install) {
    return show('Failed', `${spec.type} is not installed in namespace ${spec.toolNamespace} and autoInstall is off`);
  }
  const note = decision?.kind === 'installed-by-other-means' ? `; ${decision.note}` : '';
  if (report.healthy) {
    s.graceUntil = undefined;
    if (deferred) s.lastSignature = undefined;
    return show('Running', `${componentsSummary(components)}${note}`);
  }
  if (stillInGrace) return show('Progressing', `within grace period: ${report.reason}`);
  const reinstallAfter = spec.remediation.reinstallAfterUnhealthyChecks;
  if (install && reinstallAfter && result.consecutiveUnhealthy >= reinstallAfter) {
    s.stage = 'install';
    s.installReason = `remediation: ${result.consecutiveUnhealthy} consecutive unhealthy checks`;
  }
  return show('Degraded', `${report.reason ?? 'unhealthy'}${note}`);
}
