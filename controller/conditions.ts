// kstatus-style conditions (sigs.k8s.io/cli-utils, Flux): Ready, Reconciling, Stalled. A condition keeps its
// lastTransitionTime while its status stays the same, so that tools which watch transitions see real ones only.
import type { Condition } from './crd/status-schema.js';

export type ConditionInput = Omit<Condition, 'lastTransitionTime' | 'observedGeneration'>;

export function condition(type: string, status: Condition['status'], reason: string, message: string): ConditionInput {
  return { type, status, reason, message };
}

/** `next` with each condition's lastTransitionTime carried over from `previous` when its status did not change. */
export function mergeConditions(
  previous: Condition[] | undefined,
  next: ConditionInput[],
  observedGeneration: number | undefined,
  now: string,
): Condition[] {
  return next.map((c) => {
    const before = previous?.find((p) => p.type === c.type);
    const lastTransitionTime = before && before.status === c.status ? before.lastTransitionTime : now;
    return { ...c, ...(observedGeneration !== undefined ? { observedGeneration } : {}), lastTransitionTime };
  });
}

export function conditionOf(conditions: Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}
