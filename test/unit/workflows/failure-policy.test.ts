// One row per failure type: the phase a cluster shows and what the lifecycle does next. Nothing falls through to
// Unreachable unless it is the cluster's API that failed.
import { describe, expect, it } from '@jest/globals';
import { FailureType, UnclassifiedFailure } from '../../../shared/failure-types.js';
import type { IntegrationSpec } from '../../../shared/types.js';
import { FAILURE_POLICY, failureRule } from '../../../workflows/lifecycle/failure-policy.js';
import { nextStep } from '../../../workflows/lifecycle/next-step.js';
import type { Action, LifecycleState } from '../../../workflows/lifecycle/types.js';

const spec = {
  name: 'argocd',
  namespace: 'ksit-system',
  type: 'argocd',
  enabled: true,
  targetClusters: ['cluster-1'],
  install: { method: 'manifest', source: '/tmp/x.yaml' },
  toolNamespace: 'argocd',
  healthCheckIntervalMs: 10_000,
  gracePeriodMs: 60_000,
  components: [],
  remediation: {},
} as IntegrationSpec;

const state = (): LifecycleState => ({
  status: { cluster: 'c', phase: 'Installing', message: 'installing', components: [], transitions: [] },
  stage: 'install',
  paused: false,
  reinstallRequested: false,
});

const rows: [string, Action['kind'], string, string, string | undefined, RegExp][] = [
  // type, failed action, phase, next action, wait ms ('forever' = until a signal), message
  [FailureType.Unreachable, 'watch', 'Unreachable', 'wait', '10000', /^boom$/],
  [FailureType.Forbidden, 'preflight', 'Failed', 'wait', '300000', /^boom$/],
  [FailureType.BadCredentials, 'preflight', 'Failed', 'wait', '300000', /^boom$/],
  [FailureType.InstallRejected, 'install', 'Failed', 'wait', 'forever', /^boom$/],
  [FailureType.HelmFailed, 'install', 'Failed', 'wait', '10000', /^install failed, retrying every 10s: boom$/],
  [FailureType.HelmBusy, 'install', 'Installing', 'next', undefined, /^installing$/],
  [FailureType.WorkerShutdown, 'watch', 'Installing', 'next', undefined, /^installing$/],
  [FailureType.ReleaseLocked, 'install', 'Installing', 'next', undefined, /^boom$/],
  [FailureType.CrdNotEstablished, 'install', 'Failed', 'wait', '10000', /^install failed, retrying every 10s: boom$/],
  [FailureType.ApiRejected, 'observe', 'Failed', 'wait', '10000', /^health check failed, retrying every 10s: boom$/],
  [FailureType.ClientError, 'observe', 'Failed', 'wait', '10000', /^health check failed, retrying every 10s: boom$/],
  [FailureType.SourceUnavailable, 'install', 'Failed', 'wait', '10000', /^install failed, retrying every 10s: boom$/],
  [UnclassifiedFailure.ActivityTimeout, 'watch', 'Failed', 'wait', '10000', /^health check failed, retrying/],
  [UnclassifiedFailure.Untyped, 'install', 'Failed', 'wait', '10000', /retrying every 10s: unexpected error: boom$/],
];

describe('failure type -> phase', () => {
  it('has a row here for every type in the table', () => {
    expect(rows.map((r) => r[0]).sort()).toEqual(Object.keys(FAILURE_POLICY).sort());
  });

  it.each(rows)('%s during %s -> %s, then %s', (type, action, phase, next, ms, message) => {
    const step = nextStep(state(), { kind: 'failed', at: 0, action, failure: { type, message: 'boom' } }, spec);
    expect(step.phase).toBe(phase);
    expect(step.action.kind).toBe(next);
    if (step.action.kind === 'wait') expect(String(step.action.ms ?? 'forever')).toBe(ms);
    expect(step.message).toMatch(message);
    expect(step.phase).not.toBe(type === FailureType.Unreachable ? 'Failed' : 'Unreachable');
  });

  it('a type this worker does not know counts as untyped, never as Unreachable', () => {
    expect(failureRule('SomethingNew')).toEqual(FAILURE_POLICY[UnclassifiedFailure.Untyped]);
  });

  it('HelmBusy keeps the reason for the next Installing message', () => {
    const step = nextStep(
      state(),
      { kind: 'failed', at: 0, action: 'install', failure: { type: 'HelmBusy', message: 'slots full' } },
      spec,
    );
    const again = nextStep(step.state, { kind: 'woke', at: 0 }, spec);
    expect(again.message).toMatch(/waiting its turn: slots full$/);
  });

  it('a failed uninstall on delete ends the lifecycle as Failed', () => {
    const step = nextStep(
      state(),
      { kind: 'failed', at: 0, action: 'uninstall', failure: { type: 'HelmFailed', message: 'x' } },
      spec,
    );
    expect(step).toMatchObject({
      phase: 'Failed',
      message: 'uninstall failed: x',
      removed: true,
      action: { kind: 'end' },
    });
  });

  it('a rejected install or a denied preflight starts over from preflight', () => {
    for (const type of [FailureType.InstallRejected, FailureType.Forbidden]) {
      const step = nextStep(
        state(),
        { kind: 'failed', at: 0, action: 'install', failure: { type, message: 'x' } },
        spec,
      );
      expect(step.state.stage).toBe('preflight');
    }
  });
});
