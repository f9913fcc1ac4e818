import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ClusterStatus, IntegrationSpec, IntegrationStatus, TargetSpec, TargetStatus } from '../shared/types.js';

// Messages the CLI and the workflows exchange. Names are part of the wire contract: rename with care.

/** `--cluster` narrows an action to one cluster; absent means all clusters of the Integration. */
export interface ClusterScope {
  cluster?: string;
}

export interface DeleteRequest {
  uninstall: boolean;
  /** Uninstall even while dependents are still installed on the cluster (`ksit delete --uninstall --force`). */
  force?: boolean;
  /** Set by the Integration per cluster: dependents installed there, which an uninstall waits for. */
  heldBy?: string[];
}

export const integrationStatusQuery = defineQuery<IntegrationStatus>('status');
/** The Integration's current spec (Helm values included: answered over the wire, never written to history). */
export const integrationSpecQuery = defineQuery<IntegrationSpec>('spec');
/** The second argument says who changed the spec, for the revision history. */
export const updateSpecUpdate = defineUpdate<
  { changed: boolean; revision?: number },
  [IntegrationSpec, { by?: string }?]
>('updateSpec');
export const pauseUpdate = defineUpdate<{ clusters: string[] }, [ClusterScope]>('pause');
export const resumeUpdate = defineUpdate<{ clusters: string[] }, [ClusterScope]>('resume');
export const reinstallUpdate = defineUpdate<{ clusters: string[] }, [ClusterScope]>('reinstall');
export const deleteSignal = defineSignal<[DeleteRequest]>('delete');
/** Sent by `ksit apply` when IntegrationTargets changed, so Integrations re-resolve their clusters now. */
export const refreshTargetsSignal = defineSignal('refreshTargets');

/** Sent by a cluster lifecycle to its Integration on every transition. */
export const clusterStatusSignal = defineSignal<[ClusterStatus]>('clusterStatus');

// Parent -> cluster lifecycle.
/** The spec to run, and its revision (absent from senders that predate revisions). */
export const clusterSpecSignal = defineSignal<[IntegrationSpec, number?]>('clusterSpec');
export const clusterPauseSignal = defineSignal<[boolean]>('clusterPause');
export const clusterReinstallSignal = defineSignal('clusterReinstall');
export const clusterDeleteSignal = defineSignal<[DeleteRequest]>('clusterDelete');
export const clusterStatusQuery = defineQuery<ClusterStatus>('clusterStatus');

export const targetStatusQuery = defineQuery<TargetStatus>('status');
export const updateTargetUpdate = defineUpdate<{ changed: boolean }, [TargetSpec]>('updateTarget');
export const deleteTargetSignal = defineSignal('deleteTarget');

/** Workflow ids, derived from namespace/name so that applying the same object twice finds the same workflow. */
export const workflowIds = {
  integration: (namespace: string, name: string) => `integration/${namespace}/${name}`,
  cluster: (namespace: string, name: string, target: string) => `integration/${namespace}/${name}/cluster/${target}`,
  target: (namespace: string, name: string) => `target/${namespace}/${name}`,
};
