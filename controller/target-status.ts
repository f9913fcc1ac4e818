// What an IntegrationTarget object's status says, from its target workflow's probe: Ready with the server version
// and the time of the last probe, or why not.
import type { TargetStatus } from '../shared/types.js';
import { condition, mergeConditions } from './conditions.js';
import type { TargetStatusCR } from './crd/status-schema.js';

export interface TargetObservation {
  generation: number;
  previous?: TargetStatusCR;
  invalid?: string;
  acceptedGeneration?: number;
  workflow?: TargetStatus;
  workflowId: string;
  nowMs: number;
}

export function targetStatusFor(o: TargetObservation): TargetStatusCR {
  const now = new Date(o.nowMs).toISOString();
  const wf = o.workflow;
  let list;
  if (o.invalid) {
    list = [
      condition('Ready', 'False', 'InvalidSpec', o.invalid),
      condition('Reconciling', 'False', 'InvalidSpec', o.invalid),
      condition('Stalled', 'True', 'InvalidSpec', o.invalid),
    ];
  } else if (!wf || o.acceptedGeneration !== o.generation || !wf.lastCheckAt) {
    const message = wf?.lastCheckAt ? 'applying the change' : 'waiting for the first probe';
    list = [
      condition('Ready', 'False', 'Progressing', message),
      condition('Reconciling', 'True', 'Progressing', message),
      condition('Stalled', 'False', 'Progressing', message),
    ];
  } else {
    const reason = wf.ready ? 'Reachable' : 'Unreachable';
    // An unreachable cluster is re-probed every minute and often recovers by itself: not Stalled.
    list = [
      condition('Ready', wf.ready ? 'True' : 'False', reason, wf.message),
      condition('Reconciling', 'False', reason, wf.message),
      condition('Stalled', 'False', reason, wf.message),
    ];
  }
  const observedGeneration = o.invalid ? o.generation : o.acceptedGeneration;
  return {
    ...(observedGeneration !== undefined ? { observedGeneration } : {}),
    conditions: mergeConditions(o.previous?.conditions, list, observedGeneration, now),
    ...(wf?.serverVersion ? { serverVersion: wf.serverVersion } : {}),
    ...(wf?.lastCheckAt ? { lastProbeTime: wf.lastCheckAt } : {}),
    message: o.invalid ?? wf?.message ?? 'not probed yet',
    workflowId: o.workflowId,
  };
}
