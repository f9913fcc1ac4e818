// Keeping an Integration's cluster lifecycles in line with its resolved targets: start one per new target (or
// adopt one already running), stop those whose target went away. Runs inside integrationWorkflow.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { getExternalWorkflowHandle, ParentClosePolicy, startChild, workflowInfo } from '@temporalio/workflow';
import type { ClusterStatus, IntegrationSpec, TargetSpec } from '../../shared/types.js';
import { clusterActivities } from '../activity-proxies.js';
import { clusterLifecycleWorkflow } from '../cluster-lifecycle.js';
import { clusterDeleteSignal, clusterSpecSignal, workflowIds } from '../definitions.js';

/** The part of the Integration's state this module keeps up to date. */
export interface TargetsState {
  clusters: Record<string, ClusterStatus>;
  /** Target name -> the lifecycle workflow watching it. */
  children: Record<string, string>;
  missing: string[];
  paused: boolean;
  /** Target name -> its labels, from the last resolve (rollout waves select on them). */
  targetLabels?: Record<string, Record<string, string>>;
}

/** The revision a new lifecycle starts at, and that revision's spec (workflows/rollout/run-rollout.ts). */
export type AssignRevision = (cluster: string) => { revision: number; spec: IntegrationSpec };

export async function reconcileTargets(
  st: TargetsState,
  spec: IntegrationSpec,
  historyLimit?: number,
  assign?: AssignRevision,
): Promise<void> {
  let resolved: { targets: TargetSpec[]; missing: string[] };
  try {
    resolved = await clusterActivities.resolveTargets({
      namespace: spec.namespace,
      names: spec.targetClusters,
      selector: spec.targetSelector,
    });
  } catch {
    return; // Temporal's own visibility was unavailable; keep the clusters we have and try again later.
  }
  st.missing = resolved.missing;
  st.targetLabels = Object.fromEntries(resolved.targets.map((t) => [t.name, t.labels]));
  const wanted = new Set(resolved.targets.map((t) => t.name));
  for (const target of resolved.targets) {
    if (st.children[target.name]) continue;
    await startLifecycle(st, spec, target, historyLimit, assign);
  }
  for (const [cluster, workflowId] of Object.entries(st.children)) {
    if (wanted.has(cluster)) continue;
    await getExternalWorkflowHandle(workflowId).signal(clusterDeleteSignal, { uninstall: false });
    delete st.children[cluster];
    delete st.clusters[cluster];
  }
}

async function startLifecycle(
  st: TargetsState,
  spec: IntegrationSpec,
  target: TargetSpec,
  historyLimit?: number,
  assign?: AssignRevision,
): Promise<void> {
  const workflowId = workflowIds.cluster(spec.namespace, spec.name, target.name);
  st.children[target.name] = workflowId;
  st.clusters[target.name] ??= {
    cluster: target.name,
    phase: 'Pending',
    message: 'starting',
    components: [],
    transitions: [],
  };
  const runs = assign?.(target.name);
  try {
    await startChild(clusterLifecycleWorkflow, {
      workflowId,
      args: [
        {
          integrationWorkflowId: workflowInfo().workflowId,
          spec: runs?.spec ?? spec,
          ...(runs ? { revision: runs.revision } : {}),
          target,
          paused: st.paused,
          historyLimit,
        },
      ],
      // Lifecycles must survive this workflow's continue-as-new; delete stops them explicitly.
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
  } catch (err) {
    // Already running from an earlier run of this Integration: adopt it and bring it up to date.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    const handle = getExternalWorkflowHandle(workflowId);
    await (runs ? handle.signal(clusterSpecSignal, runs.spec, runs.revision) : handle.signal(clusterSpecSignal, spec));
  }
}
