// Failure type -> phase and next step, one row per type. The table is typed over every FailureType (and the two
// unclassified kinds), so a new type does not compile until someone decides what it means here. Pure.
import {
  FailureType,
  UnclassifiedFailure,
  type FailureTypeName,
  type UnclassifiedFailureName,
} from '../../shared/failure-types.js';
import type { ClusterPhase, IntegrationSpec } from '../../shared/types.js';
import { FAILED_RECHECK_MS } from './policy.js';
import type { Action, LifecycleState, Observation, Step } from './types.js';

export type FailureRule =
  /** Nothing is wrong with the tool or the cluster (a worker shut down): do the same again at once, show nothing. */
  | { then: 'retry-now' }
  /** Every worker's Helm slots were busy: stay Installing, say why, try again at once. */
  | { then: 'wait-for-helm'; phase: 'Installing' }
  /** Transient: show the phase, do the same again after one health interval. */
  | { then: 'retry-after-interval'; phase: 'Unreachable' | 'Failed' }
  /** Needs a human (access, credentials): Failed; start over from preflight every few minutes. */
  | { then: 'recheck'; phase: 'Failed' }
  /** Retrying the same spec cannot help: Failed until the spec changes or someone asks for a reinstall. */
  | { then: 'wait-for-change'; phase: 'Failed' }
  /** Another Helm operation holds the release: Installing; observe again so the decision sees the lock. */
  | { then: 'observe'; phase: 'Installing' };

export const FAILURE_POLICY: { [K in FailureTypeName | UnclassifiedFailureName]: FailureRule } = {
  [FailureType.Unreachable]: { then: 'retry-after-interval', phase: 'Unreachable' },
  [FailureType.Forbidden]: { then: 'recheck', phase: 'Failed' },
  [FailureType.BadCredentials]: { then: 'recheck', phase: 'Failed' },
  [FailureType.InstallRejected]: { then: 'wait-for-change', phase: 'Failed' },
  [FailureType.HelmFailed]: { then: 'retry-after-interval', phase: 'Failed' },
  [FailureType.HelmBusy]: { then: 'wait-for-helm', phase: 'Installing' },
  [FailureType.WorkerShutdown]: { then: 'retry-now' },
  [FailureType.ReleaseLocked]: { then: 'observe', phase: 'Installing' },
  [FailureType.CrdNotEstablished]: { then: 'retry-after-interval', phase: 'Failed' },
  [FailureType.ApiRejected]: { then: 'retry-after-interval', phase: 'Failed' },
  [FailureType.ClientError]: { then: 'retry-after-interval', phase: 'Failed' },
  [FailureType.SourceUnavailable]: { then: 'retry-after-interval', phase: 'Failed' },
  // Every attempt timed out (workers died or hung): ours to look at, not the cluster's, so not Unreachable.
  [UnclassifiedFailure.ActivityTimeout]: { then: 'retry-after-interval', phase: 'Failed' },
  // An activity threw something it did not classify: a bug. Show it as it is and keep trying.
  [UnclassifiedFailure.Untyped]: { then: 'retry-after-interval', phase: 'Failed' },
};

/** The rule for a failure type; a type this code does not know (a newer worker's) counts as untyped. */
export function failureRule(type: string): FailureRule {
  return (FAILURE_POLICY as Record<string, FailureRule>)[type] ?? FAILURE_POLICY[UnclassifiedFailure.Untyped];
}

const STEP_NAMES: Partial<Record<Action['kind'], string>> = {
  preflight: 'preflight',
  observe: 'health check',
  watch: 'health check',
  install: 'install',
  rollback: 'recovery',
  'uninstall-release': 'recovery',
};

/** Folds a failed action into the next step, by the table above. */
export function onFailure(
  s: LifecycleState,
  obs: Extract<Observation, { kind: 'failed' }>,
  spec: IntegrationSpec,
): Step {
  const { failure } = obs;
  const keep = (action: Action, phase: ClusterPhase = s.status.phase, message = s.status.message): Step => ({
    state: s,
    action,
    phase,
    message,
  });
  if (obs.action === 'uninstall') {
    return { ...keep({ kind: 'end' }, 'Failed', `uninstall failed: ${failure.message}`), removed: true };
  }
  const rule = failureRule(failure.type);
  s.waitingForHelm = rule.then === 'wait-for-helm' ? failure.message : undefined;
  // A failed recovery is looked at afresh: the release may have moved on meanwhile.
  if (s.stage === 'recover' && rule.then !== 'retry-now' && rule.then !== 'wait-for-helm') s.stage = 'decide';
  switch (rule.then) {
    case 'retry-now':
    case 'wait-for-helm':
      return keep({ kind: 'next' });
    case 'observe':
      s.stage = 'decide';
      return keep({ kind: 'next' }, rule.phase, failure.message);
    case 'retry-after-interval': {
      if (rule.phase === 'Unreachable')
        return keep({ kind: 'wait', ms: spec.healthCheckIntervalMs }, rule.phase, failure.message);
      const every = Math.round(spec.healthCheckIntervalMs / 1000);
      const step = STEP_NAMES[obs.action] ?? obs.action;
      const unexpected = failure.type === UnclassifiedFailure.Untyped ? 'unexpected error: ' : '';
      const message = `${step} failed, retrying every ${every}s: ${unexpected}${failure.message}`;
      return keep({ kind: 'wait', ms: spec.healthCheckIntervalMs }, rule.phase, message);
    }
    case 'recheck':
      s.stage = 'preflight';
      return keep({ kind: 'wait', ms: FAILED_RECHECK_MS }, rule.phase, failure.message);
    case 'wait-for-change':
      s.stage = 'preflight';
      return keep({ kind: 'wait' }, rule.phase, failure.message);
  }
}
