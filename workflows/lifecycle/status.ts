// Applies a step's phase, message and components to the cluster's status. Pure: the loop sends the result to the
// Integration (and logs the transition) only when `changed` says the phase or message moved.
import type { ClusterStatus } from '../../shared/types.js';
import { KEEP_TRANSITIONS } from './policy.js';
import type { Step } from './types.js';

export interface StatusUpdate {
  status: ClusterStatus;
  /** A transition happened (phase or message changed), or this is the last status of a lifecycle that ends. */
  changed: boolean;
  from: ClusterStatus['phase'];
}

export function applyStep(current: ClusterStatus, step: Step, at: number): StatusUpdate {
  const status: ClusterStatus = { ...current };
  if (step.components) status.components = step.components;
  const moved = current.phase !== step.phase || current.message !== step.message;
  if (!moved && !step.removed) return { status, changed: false, from: current.phase };
  status.phase = step.phase;
  status.message = step.message;
  status.removed = step.removed || undefined;
  status.transitions = [
    ...current.transitions,
    { at: new Date(at).toISOString(), phase: step.phase, message: step.message },
  ].slice(-KEEP_TRANSITIONS);
  return { status, changed: true, from: current.phase };
}
