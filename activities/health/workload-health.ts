import type { V1DaemonSet, V1Deployment, V1StatefulSet } from '@kubernetes/client-node';
import type { WorkloadKind } from '../../shared/types.js';

export type Workload = V1Deployment | V1StatefulSet | V1DaemonSet;

export interface WorkloadReadiness {
  ready: number;
  desired: number;
  /** A rollout that has not finished: new pods exist that are not (yet) ready. */
  rolloutPending: boolean;
}

/**
 * Ready vs desired replicas per workload kind. A rollout whose new pods are not ready counts as unhealthy even
 * while old pods still serve: that is how a crash-looping new version shows up.
 */
export function workloadReadiness(kind: WorkloadKind, w: Workload): WorkloadReadiness {
  if (kind === 'DaemonSet') {
    const s = (w as V1DaemonSet).status;
    const desired = s?.desiredNumberScheduled ?? 0;
    return { ready: s?.numberReady ?? 0, desired, rolloutPending: (s?.updatedNumberScheduled ?? 0) < desired };
  }
  if (kind === 'StatefulSet') {
    const sts = w as V1StatefulSet;
    const desired = sts.spec?.replicas ?? 1;
    const s = sts.status;
    const revisionsDiffer = !!s?.updateRevision && s.updateRevision !== s.currentRevision;
    return {
      ready: s?.readyReplicas ?? 0,
      desired,
      rolloutPending: revisionsDiffer && (s?.updatedReplicas ?? 0) < desired,
    };
  }
  const d = w as V1Deployment;
  const desired = d.spec?.replicas ?? 1;
  const s = d.status;
  const stale = (s?.observedGeneration ?? 0) < (d.metadata?.generation ?? 0);
  return {
    ready: s?.readyReplicas ?? 0,
    desired,
    rolloutPending: stale || (s?.updatedReplicas ?? 0) < desired || (s?.replicas ?? 0) > desired,
  };
}
