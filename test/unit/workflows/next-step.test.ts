// Every transition of the per-cluster lifecycle, one row each: the state it starts from, what it observed, and the
// action, phase, message and stage nextStep() must choose. The workflow tests show the loop performs them.
import { describe, expect, it } from '@jest/globals';
import type { ObserveToolResult } from '../../../activities/types.js';
import type { WatchHealthResult } from '../../../activities/watch-health.js';
import type { ReleaseState } from '../../../shared/lifecycle/drift.js';
import type { HealthReport, HelmInstall, IntegrationSpec } from '../../../shared/types.js';
import { onSpecChanged } from '../../../workflows/lifecycle/fold-results.js';
import { nextStep, type DecisionRules } from '../../../workflows/lifecycle/next-step.js';
import type { LifecycleState, Observation, Step } from '../../../workflows/lifecycle/types.js';

const NOW = Date.parse('2026-11-30T18:00:00Z');

const spec = (o: Partial<IntegrationSpec> = {}): IntegrationSpec => ({
  name: 'argocd',
  namespace: 'ksit-system',
  type: 'argocd',
  enabled: true,
  targetClusters: ['cluster-1'],
  install: {
    method: 'helm',
    chart: { repository: 'http://127.0.0.1:8879', chart: 'argo-cd', version: '5.51.6' },
    releaseName: 'argocd',
    values: {},
    setValues: [],
    timeoutMs: 600_000,
  },
  toolNamespace: 'argocd',
  healthCheckIntervalMs: 30_000,
  gracePeriodMs: 180_000,
  components: [{ kind: 'Deployment', name: 'argocd-server' }],
  remediation: {},
  ...o,
});
const monitorOnly = spec({ install: undefined });

const state = (o: Partial<LifecycleState> = {}): LifecycleState => ({
  status: { cluster: 'cluster-1', phase: 'Pending', message: 'waiting for preflight', components: [], transitions: [] },
  stage: 'preflight',
  paused: false,
  reinstallRequested: false,
  ...o,
});

const component = (healthy: boolean) => ({
  kind: 'Deployment' as const,
  name: 'argocd-server',
  ready: healthy ? 1 : 0,
  desired: 1,
  healthy,
  reason: healthy ? undefined : 'argocd-server: 0/1 ready, CrashLoopBackOff (3 restarts)',
});
const healthy: HealthReport = { healthy: true, absent: false, components: [component(true)] };
const unhealthy: HealthReport = {
  healthy: false,
  absent: false,
  components: [component(false)],
  reason: 'argocd-server: 0/1 ready, CrashLoopBackOff (3 restarts)',
};
const absent: HealthReport = { healthy: false, absent: true, components: [], reason: 'argocd-server: not found' };
const deployed: ReleaseState = { exists: true, status: 'deployed', revision: 2, chartVersion: '5.51.6' };

const woke: Observation = { kind: 'woke', at: NOW };
const preflightPassed: Observation = {
  kind: 'preflight',
  at: NOW,
  result: { ok: true, serverVersion: 'v1.36', namespaceExists: true, checks: [] },
};
const tool = (report: HealthReport, release?: ReleaseState): Observation => ({
  kind: 'tool',
  at: NOW,
  result: { report, release } as ObserveToolResult,
});
const watched = (report: HealthReport, release?: ReleaseState, consecutiveUnhealthy = 0): Observation => ({
  kind: 'watched',
  at: NOW,
  result: {
    observation: { kind: 'health', report, release },
    signature: 'sig',
    checks: 1,
    consecutiveUnhealthy,
    at: NOW,
  } as WatchHealthResult,
});
const failed = (type: string, action: 'install' | 'preflight' | 'watch' = 'install'): Observation => ({
  kind: 'failed',
  at: NOW,
  action,
  failure: { type, message: `boom (${type})` },
});

interface Row {
  name: string;
  from: Partial<LifecycleState>;
  obs: Observation;
  spec?: IntegrationSpec;
  action: string;
  phase: string;
  message?: RegExp;
  stage?: string;
  rules?: DecisionRules;
}

const inGrace = { graceUntil: NOW + 60_000, componentsSeenSinceInstall: false };
const running = { status: { ...state().status, phase: 'Running' as const, message: '1/1 components ready' } };

const rows: Row[] = [
  // Start, preflight
  { name: 'a new lifecycle runs preflight', from: {}, obs: woke, action: 'preflight', phase: 'Pending' },
  {
    name: 'preflight passes -> observe the tool',
    from: {},
    obs: preflightPassed,
    action: 'next',
    phase: 'Pending',
    stage: 'decide',
  },
  {
    name: 'monitor-only, preflight passes -> watch next, no first look at the tool',
    from: {},
    obs: preflightPassed,
    spec: monitorOnly,
    rules: { monitorOnlyWatchesAfterPreflight: true },
    action: 'next',
    phase: 'Pending',
    stage: 'monitor',
  },
  {
    name: 'monitor-only, replaying a run from before that rule -> observe the tool, as it ran',
    from: {},
    obs: preflightPassed,
    spec: monitorOnly,
    action: 'next',
    phase: 'Pending',
    stage: 'decide',
  },
  {
    name: 'with an install, preflight passes -> observe the tool whatever the rules',
    from: {},
    obs: preflightPassed,
    rules: { monitorOnlyWatchesAfterPreflight: true },
    action: 'next',
    phase: 'Pending',
    stage: 'decide',
  },
  {
    name: 'preflight denied -> Failed naming the check, re-check in 5 minutes',
    from: {},
    obs: {
      kind: 'preflight',
      at: NOW,
      result: {
        ok: false,
        serverVersion: 'v1.36',
        namespaceExists: false,
        checks: [{ name: 'rbac', ok: false, detail: 'denied: create deployments' }],
      },
    },
    action: 'wait',
    phase: 'Failed',
    message: /^preflight failed: rbac: denied: create deployments$/,
    stage: 'preflight',
  },
  { name: 'decide stage observes', from: { stage: 'decide' }, obs: woke, action: 'observe', phase: 'Pending' },
  // The install decision (drift rules)
  ...(
    [
      ['absent -> install', absent, { exists: false }, 'install', /argocd is not installed/],
      ['failed release -> install', healthy, { ...deployed, status: 'failed' }, 'install', /release argocd is failed/],
      [
        'other chart version -> install',
        healthy,
        { ...deployed, chartVersion: '5.51.5' },
        'install',
        /runs chart 5\.51\.5/,
      ],
      ['as the spec says -> monitor', healthy, deployed, 'monitor', undefined],
      [
        'installed by other means (no release) -> monitor, no install',
        healthy,
        { exists: false },
        'monitor',
        undefined,
      ],
      [
        'pending-install younger than the timeout -> watch, Installing, never touch it',
        absent,
        { ...deployed, status: 'pending-install', ageMs: 30_000 },
        'monitor',
        undefined,
      ],
      [
        'pending-install older than the timeout -> recover',
        absent,
        { ...deployed, status: 'pending-install', ageMs: 700_000 },
        'recover',
        undefined,
      ],
      [
        'uninstalling older than the timeout -> recover',
        healthy,
        { ...deployed, status: 'uninstalling', ageMs: 700_000 },
        'recover',
        undefined,
      ],
    ] as [string, HealthReport, ReleaseState, string, RegExp | undefined][]
  ).map(([name, report, release, stage]) => ({
    name: `observed: ${name}`,
    from: { stage: 'decide' as const },
    obs: tool(report, release),
    action: 'next',
    phase: name.includes('younger') ? 'Installing' : 'Pending',
    stage,
  })),
  {
    name: 'observed, monitor only, absent -> watch (the watch reports Failed)',
    from: { stage: 'decide' },
    obs: tool(absent),
    spec: monitorOnly,
    action: 'next',
    phase: 'Pending',
    stage: 'monitor',
  },
  {
    name: 'reinstall requested -> install even when as the spec says',
    from: { stage: 'decide', reinstallRequested: true },
    obs: tool(healthy, deployed),
    action: 'next',
    phase: 'Pending',
    stage: 'install',
  },
  // Install
  {
    name: 'install stage -> Installing with the reason',
    from: { stage: 'install', installReason: 'argocd is not installed' },
    obs: woke,
    action: 'install',
    phase: 'Installing',
    message: /^installing chart argo-cd 5\.51\.6 \(argocd is not installed\)$/,
  },
  {
    name: 'install stage with an unmet gate -> Pending with the gate message',
    from: { stage: 'install', gates: [{ name: 'dependency cert-manager', met: false, message: 'not Running yet' }] },
    obs: woke,
    action: 'wait',
    phase: 'Pending',
    message: /^waiting for dependency cert-manager \(not Running yet\)$/,
  },
  {
    name: 'installed -> Progressing for the grace period',
    from: { stage: 'install' },
    obs: { kind: 'installed', at: NOW, result: { detail: 'helm release argocd revision 1 (chart 5.51.6)' } },
    action: 'next',
    phase: 'Progressing',
    message: /^installed: helm release argocd revision 1 \(chart 5\.51\.6\); grace period 180s$/,
    stage: 'monitor',
  },
  {
    name: 'recover stage, pending with a good revision -> rollback activity',
    from: {
      stage: 'recover',
      recovery: { verb: 'rollback', revision: 1, release: 'argocd', why: 'release argocd is stuck in pending-upgrade' },
    },
    obs: woke,
    action: 'rollback',
    phase: 'Installing',
    message: /^recovering: release argocd is stuck in pending-upgrade; rolling back to revision 1$/,
  },
  {
    name: 'recover stage, no good revision -> uninstall-release activity',
    from: { stage: 'recover', recovery: { verb: 'uninstall', release: 'argocd', why: 'stuck in pending-install' } },
    obs: woke,
    action: 'uninstall-release',
    phase: 'Installing',
  },
  {
    name: 'recovered -> install',
    from: { stage: 'recover' },
    obs: { kind: 'recovered', at: NOW, detail: 'rolled release argocd back to revision 1' },
    action: 'next',
    phase: 'Pending',
    stage: 'install',
  },
  // Watch
  {
    name: 'monitor stage -> watch',
    from: { stage: 'monitor' },
    obs: woke,
    action: 'watch',
    phase: 'Pending',
  },
  {
    name: 'healthy -> Running with the count',
    from: { stage: 'monitor' },
    obs: watched(healthy, deployed),
    action: 'next',
    phase: 'Running',
    message: /^1\/1 components ready$/,
  },
  {
    name: 'unhealthy inside the grace period -> Progressing, not Degraded',
    from: { stage: 'monitor', ...inGrace, componentsSeenSinceInstall: true },
    obs: watched(unhealthy, deployed),
    action: 'next',
    phase: 'Progressing',
    message: /^within grace period: .*CrashLoopBackOff/,
  },
  {
    name: 'unhealthy after the grace period -> Degraded with the reason',
    from: { stage: 'monitor', ...running },
    obs: watched(unhealthy, deployed),
    action: 'next',
    phase: 'Degraded',
    message: /^argocd-server: 0\/1 ready, CrashLoopBackOff/,
    stage: 'monitor',
  },
  {
    name: 'unhealthy N times with remediation -> Degraded, then install',
    from: { stage: 'monitor', ...running },
    obs: watched(unhealthy, deployed, 3),
    spec: spec({ remediation: { reinstallAfterUnhealthyChecks: 3 } }),
    action: 'next',
    phase: 'Degraded',
    stage: 'install',
  },
  {
    name: 'unreachable -> Unreachable, keeps watching, no reinstall',
    from: { stage: 'monitor', ...running },
    obs: {
      kind: 'watched',
      at: NOW,
      result: {
        observation: { kind: 'unreachable', message: 'cluster cluster-1 unreachable' },
        signature: 'unreachable',
        checks: 3,
        consecutiveUnhealthy: 0,
        at: NOW,
      },
    },
    action: 'next',
    phase: 'Unreachable',
    stage: 'monitor',
  },
  {
    name: 'absent after the grace period with autoInstall off -> Failed',
    from: { stage: 'monitor' },
    obs: watched(absent),
    spec: monitorOnly,
    action: 'next',
    phase: 'Failed',
    message: /not installed in namespace argocd and autoInstall is off/,
  },
  {
    name: 'our install created none of the components -> Failed once, no reinstall loop',
    from: { stage: 'monitor', componentsSeenSinceInstall: false },
    obs: watched(absent, deployed),
    action: 'next',
    phase: 'Failed',
    message: /installed, but none of Deployment\/argocd-server exist/,
    stage: 'monitor',
  },
  {
    name: 'absent while watched (deleted by hand) -> install',
    from: { stage: 'monitor', ...running },
    obs: watched(absent, { exists: false }),
    action: 'next',
    phase: 'Running',
    stage: 'install',
  },
  {
    name: 'chart version drift while watched -> install',
    from: { stage: 'monitor', ...running },
    obs: watched(healthy, { ...deployed, chartVersion: '5.0.0' }),
    action: 'next',
    phase: 'Running',
    stage: 'install',
  },
  {
    name: 'uninstalling while watched, young -> Installing, keep watching (same rule as the install decision)',
    from: { stage: 'monitor', ...running },
    obs: watched(healthy, { ...deployed, status: 'uninstalling', ageMs: 10_000 }),
    action: 'next',
    phase: 'Installing',
    stage: 'monitor',
  },
  {
    name: 'pending-upgrade while watched, stuck -> recover',
    from: { stage: 'monitor', ...running },
    obs: watched(healthy, { ...deployed, status: 'pending-upgrade', lastGoodRevision: 1, ageMs: 900_000 }),
    action: 'next',
    phase: 'Running',
    stage: 'recover',
  },
  {
    name: 'drift inside the grace period is left alone',
    from: { stage: 'monitor', ...inGrace },
    obs: watched(healthy, { ...deployed, chartVersion: '5.0.0' }),
    action: 'next',
    phase: 'Running',
    stage: 'monitor',
  },
  {
    name: 'installed by other means, healthy -> Running, says so',
    from: { stage: 'monitor' },
    obs: watched(healthy, { exists: false }),
    action: 'next',
    phase: 'Running',
    message: /^1\/1 components ready; installed by other means \(no Helm release argocd\), monitoring only$/,
    stage: 'monitor',
  },
  // Pause, resume, reinstall, delete
  { name: 'paused -> Paused, hold', from: { paused: true }, obs: woke, action: 'hold', phase: 'Paused' },
  {
    name: 'disabled in spec -> Paused, hold',
    from: {},
    obs: woke,
    spec: spec({ enabled: false }),
    action: 'hold',
    phase: 'Paused',
    message: /enabled: false/,
  },
  {
    name: 'resumed -> preflight again',
    from: { stage: 'monitor', lastSignature: 'x' },
    obs: { kind: 'resumed', at: NOW },
    action: 'next',
    phase: 'Pending',
    stage: 'preflight',
  },
  {
    name: 'reinstall requested while watching -> install',
    from: { stage: 'monitor', reinstallRequested: true },
    obs: woke,
    action: 'install',
    phase: 'Installing',
    message: /\(reinstall requested\)/,
  },
  {
    name: 'delete with uninstall -> uninstall',
    from: { deleteRequest: { uninstall: true } },
    obs: woke,
    action: 'uninstall',
    phase: 'Installing',
  },
  {
    name: 'delete without uninstall -> end, tool left installed',
    from: { deleteRequest: { uninstall: false }, ...running },
    obs: woke,
    action: 'end',
    phase: 'Running',
    message: /tool left installed/,
  },
  {
    name: 'uninstalled -> end, Pending',
    from: { deleteRequest: { uninstall: true } },
    obs: { kind: 'uninstalled', at: NOW },
    action: 'end',
    phase: 'Pending',
  },
];

describe('nextStep', () => {
  it.each(rows.map((r) => [r.name, r] as const))('%s', (_, row) => {
    const before = state(row.from);
    const frozen = JSON.stringify(before);
    const step: Step = nextStep(before, row.obs, row.spec ?? spec(), row.rules);
    expect(step.action.kind).toBe(row.action);
    expect(step.phase).toBe(row.phase);
    if (row.message) expect(step.message).toMatch(row.message);
    if (row.stage) expect(step.state.stage).toBe(row.stage);
    // Pure: the caller's state is never changed.
    expect(JSON.stringify(before)).toBe(frozen);
  });

  it('watches until the grace period ends, and returns after N unhealthy checks only past it', () => {
    const remediation = spec({ remediation: { reinstallAfterUnhealthyChecks: 3 } });
    const during = nextStep(state({ stage: 'monitor', graceUntil: NOW + 60_000 }), woke, remediation);
    expect(during.action).toMatchObject({
      kind: 'watch',
      returnBy: NOW + 60_000,
      returnAfterUnhealthyChecks: undefined,
    });
    const after = nextStep(state({ stage: 'monitor' }), woke, remediation);
    expect(after.action).toMatchObject({ kind: 'watch', returnBy: NOW + 3_600_000, returnAfterUnhealthyChecks: 3 });
  });

  it('a drift seen inside the grace period is decided once the grace period ends, not forgotten', () => {
    const drifted = watched(healthy, { ...deployed, chartVersion: '5.0.0' });
    const inside = nextStep(state({ stage: 'monitor', ...inGrace, lastSignature: 'old' }), drifted, spec());
    expect(inside.state.stage).toBe('monitor');
    // Healthy ends the grace period; the next watch must report its first check, whatever it sees.
    expect(inside.state.graceUntil).toBeUndefined();
    expect(inside.state.lastSignature).toBeUndefined();
    const after = nextStep(inside.state, { ...drifted, at: NOW + 2_000 }, spec());
    expect(after.state).toMatchObject({ stage: 'install', installReason: expect.stringMatching(/5\.0\.0/) });
    // Without a drift, the signature is kept: an unchanged tool costs no watch returns.
    const clean = nextStep(state({ stage: 'monitor', ...inGrace }), watched(healthy, deployed), spec());
    expect(clean.state.lastSignature).toBe('sig');
  });

  it('records the check time of a watch result', () => {
    const step = nextStep(state({ stage: 'monitor' }), watched(healthy, deployed), spec());
    expect(step.state.status.lastCheckAt).toBe(new Date(NOW).toISOString());
    expect(step.components).toEqual(healthy.components);
  });

  it('a spec whose install settings changed is installed after preflight, even when the release looks fine', () => {
    const before = spec();
    const after = spec({ install: { ...(before.install as HelmInstall), values: { server: { replicas: 2 } } } });
    const s = onSpecChanged(state({ stage: 'monitor' }), before, after);
    expect(s.stage).toBe('preflight');
    const decided = nextStep({ ...s, stage: 'decide' }, tool(healthy, deployed), after);
    expect(decided.state).toMatchObject({ stage: 'install', installReason: 'spec changed' });
    const started = nextStep(decided.state, woke, after);
    expect(started.state.installWanted).toBeUndefined();
    // A change that does not touch what is installed (the interval) installs nothing.
    const same = onSpecChanged(state({ stage: 'monitor' }), before, spec({ healthCheckIntervalMs: 10_000 }));
    expect(same.installWanted).toBeUndefined();
  });

  it('a manifest whose source changed or whose objects were deleted is applied again', () => {
    const manifest = spec({ install: { method: 'manifest', source: '/srv/flux.yaml' } });
    const obs: Observation = {
      kind: 'watched',
      at: NOW,
      result: {
        observation: { kind: 'health', report: healthy, manifestDrift: 'manifest source changed since it was applied' },
        signature: 's',
        checks: 1,
        consecutiveUnhealthy: 0,
        at: NOW,
      },
    };
    const step = nextStep(state({ stage: 'monitor', ...running }), obs, manifest);
    expect(step.state).toMatchObject({
      stage: 'install',
      installReason: 'manifest source changed since it was applied',
    });
    const applied = nextStep(
      step.state,
      { kind: 'installed', at: NOW, result: { detail: 'applied 3 objects', manifestDigest: 'sha256:b' } },
      manifest,
    );
    expect(applied.state.appliedManifest).toBe('sha256:b');
  });

  it('clears a reinstall request when the install starts', () => {
    const step = nextStep(state({ stage: 'install', reinstallRequested: true }), woke, spec());
    expect(step.state.reinstallRequested).toBe(false);
  });

  it('recovery keeps the chosen verb: rollback to the last good revision', () => {
    const step = nextStep(
      state({ stage: 'decide' }),
      tool(healthy, { ...deployed, status: 'pending-upgrade', revision: 3, lastGoodRevision: 2, ageMs: 700_000 }),
      spec(),
    );
    expect(step.state.recovery).toMatchObject({ verb: 'rollback', revision: 2, release: 'argocd' });
  });

  it('an install failure type leads where the failure table says (see failure-policy.test)', () => {
    expect(nextStep(state({ stage: 'install' }), failed('InstallRejected'), spec()).phase).toBe('Failed');
  });
});
