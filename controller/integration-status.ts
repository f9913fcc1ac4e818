// What an Integration object's status says, from what its workflow reports: a pure function, table-tested.
// Ready is True only when every cluster is Running at the generation the workflow accepted last (never merely
// because a workflow started, nor from a Running seen before the change); Reconciling while installing, rolling
// out or recovering; Stalled on what retrying will not fix (invalid spec, install rejected, preflight denied).
import type { ClusterStatus, IntegrationStatus } from '../shared/types.js';
import { condition, mergeConditions, type ConditionInput } from './conditions.js';
import type { ClusterEntry, IntegrationStatusCR } from './crd/status-schema.js';

/** The generation the workflow accepted last, and when (0: before this controller process started). */
export interface Accepted {
  generation: number;
  atMs: number;
}

export interface IntegrationObservation {
  generation: number;
  previous?: IntegrationStatusCR;
  /** Set when the spec is invalid: the message `ksit validate` prints. */
  invalid?: string;
  /** Set when the workflow refused the spec or could not be reached for it. */
  refused?: string;
  accepted?: Accepted;
  workflow?: IntegrationStatus;
  workflowId: string;
  suspended: boolean;
  nowMs: number;
  /**
   * Without per-cluster revisions, how long after a change a cluster that did not move still counts as having
   * seen it (the lifecycle reports Installing within seconds when the change needs one).
   */
  settleMs?: number;
}

const SETTLE_MS = 15_000;
const IN_PROGRESS = new Set(['Pending', 'Installing', 'Progressing']);

/** The revision fields that rollouts add to the workflow's status; read structurally, absent before them. */
function revisions(workflow: IntegrationStatus, cluster: ClusterStatus): { current?: number; cluster?: number } {
  const current = (workflow as { rollout?: { revision?: number } }).rollout?.revision;
  return { current, cluster: (cluster as { revision?: number }).revision };
}

/** From the transitions when a query answered, from `since` when a listing memo did. */
function lastTransitionMs(c: ClusterStatus): number | undefined {
  const at = c.transitions.at(-1)?.at ?? c.since;
  return at ? Date.parse(at) : undefined;
}

/** Has this cluster's phase been observed since the accepted change? */
export function isFresh(o: IntegrationObservation, c: ClusterStatus): boolean {
  if (!o.workflow || !o.accepted) return false;
  const rev = revisions(o.workflow, c);
  if (rev.current !== undefined && rev.cluster !== undefined) return rev.cluster === rev.current;
  if (o.nowMs - o.accepted.atMs >= (o.settleMs ?? SETTLE_MS)) return true;
  const moved = lastTransitionMs(c);
  return moved !== undefined && moved >= o.accepted.atMs;
}

function reasonOfFailure(message: string): string {
  if (/preflight/i.test(message)) return 'PreflightFailed';
  if (/uninstall/i.test(message)) return 'UninstallFailed';
  if (/install/i.test(message)) return 'InstallFailed';
  if (/no IntegrationTarget/i.test(message)) return 'TargetNotFound';
  return 'Failed';
}

function clusterEntries(o: IntegrationObservation): ClusterEntry[] {
  return (o.workflow?.clusters ?? []).map((c) => {
    const moved = lastTransitionMs(c);
    return {
      name: c.cluster,
      phase: c.phase,
      message: c.message,
      // No check time: the workflow records a check only when something changes (a check that changes nothing
      // writes no history), so it could be an hour old; `ksit describe` shows each cluster's latest check.
      ...(moved !== undefined ? { lastTransitionTime: new Date(moved).toISOString() } : {}),
      ...(isFresh(o, c) && o.accepted ? { observedGeneration: o.accepted.generation } : {}),
    };
  });
}

function conditionsFor(o: IntegrationObservation): { list: ConditionInput[]; phase: string; message: string } {
  const stalled = (reason: string, message: string, phase = 'Failed') => ({
    phase,
    message,
    list: [
      condition('Ready', 'False', reason, message),
      condition('Reconciling', 'False', reason, message),
      condition('Stalled', 'True', reason, message),
    ],
  });
  const progressing = (reason: string, message: string, phase: string) => ({
    phase,
    message,
    list: [
      condition('Ready', 'False', reason, message),
      condition('Reconciling', 'True', reason, message),
      condition('Stalled', 'False', reason, message),
    ],
  });
  if (o.invalid) return stalled('InvalidSpec', o.invalid, 'Invalid');
  if (o.refused) return stalled(/^uninstall failed/.test(o.refused) ? 'UninstallFailed' : 'SpecRejected', o.refused);
  const wf = o.workflow;
  if (!wf || !o.accepted || o.accepted.generation < o.generation)
    return progressing(
      'Progressing',
      `waiting for workflow ${o.workflowId} to accept generation ${o.generation}`,
      wf?.phase ?? 'Pending',
    );
  const clusters = wf.clusters;
  if (o.suspended) {
    const message = `suspended (spec.suspend: true): no checks or installs; ${wf.message}`;
    return {
      phase: 'Paused',
      message,
      list: [
        condition('Ready', 'False', 'Suspended', message),
        condition('Reconciling', 'False', 'Suspended', message),
        condition('Stalled', 'False', 'Suspended', message),
      ],
    };
  }
  const failed = clusters.find((c) => c.phase === 'Failed');
  if (failed) return stalled(reasonOfFailure(failed.message), wf.message);
  if (clusters.length === 0) {
    if (wf.phase === 'Failed') return stalled(reasonOfFailure(wf.message), wf.message);
    return progressing('Progressing', wf.message, wf.phase);
  }
  const stale = clusters.filter((c) => !isFresh(o, c));
  if (stale.length > 0)
    return progressing(
      'Progressing',
      `generation ${o.accepted.generation} not yet seen on ${stale.map((c) => c.cluster).join(', ')}; ${wf.message}`,
      wf.phase === 'Running' ? 'Progressing' : wf.phase,
    );
  if (clusters.every((c) => c.phase === 'Running')) {
    return {
      phase: 'Running',
      message: wf.message,
      list: [
        condition('Ready', 'True', 'Running', wf.message),
        condition('Reconciling', 'False', 'Running', wf.message),
        condition('Stalled', 'False', 'Running', wf.message),
      ],
    };
  }
  if (clusters.some((c) => IN_PROGRESS.has(c.phase))) return progressing('Progressing', wf.message, wf.phase);
  // Degraded or Unreachable: ksit keeps checking (and remediating when asked to), so this is work in progress
  // for kstatus (InProgress), not Current, and not a Stalled failure either.
  return progressing(wf.phase, wf.message, wf.phase);
}

export function integrationStatusFor(o: IntegrationObservation): IntegrationStatusCR {
  const now = new Date(o.nowMs).toISOString();
  const { list, phase, message } = conditionsFor(o);
  // observedGeneration: the generation the workflow accepted; an invalid spec is observed (and refused) too, so
  // that kstatus reports it as Failed rather than waiting for it forever.
  const observedGeneration = o.invalid || o.refused ? o.generation : o.accepted?.generation;
  const clusters = clusterEntries(o);
  const running = clusters.filter((c) => c.phase === 'Running' && c.observedGeneration !== undefined).length;
  const revision =
    (o.workflow as { rollout?: { revision?: number } } | undefined)?.rollout?.revision ?? o.accepted?.generation;
  return {
    ...(observedGeneration !== undefined ? { observedGeneration } : {}),
    conditions: mergeConditions(o.previous?.conditions, list, observedGeneration, now),
    phase,
    message,
    ready: `${running}/${clusters.length}`,
    ...(revision !== undefined ? { revision } : {}),
    clusters,
    workflowId: o.workflowId,
    // lastHandledReinstallAt is the reconciler's alone: a round works from a cached copy that may not have it yet.
  };
}
