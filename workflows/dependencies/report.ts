// What a dependency tells its dependents about itself on one cluster (the dependency's Integration computes it from
// its lifecycles' statuses). Pure.
import type { ClusterStatus, IntegrationSpec } from '../../shared/types.js';
import { specDigest } from './spec-digest.js';
import type { DependencyReport } from './types.js';

export interface ReportInput {
  spec: IntegrationSpec;
  cluster: string;
  /** The dependency's lifecycle status on the cluster, if it has one there. */
  status?: ClusterStatus;
  /** The dependency has a lifecycle on the cluster. */
  targeted: boolean;
  /** The dependency has resolved its targets at least once. */
  targetsResolved: boolean;
  /** The cluster is named by the dependency but has no IntegrationTarget (yet). */
  targetMissing: boolean;
  /** The dependency is being deleted. */
  deleting: boolean;
  /** specDigest(spec), when the caller has it already. */
  currentDigest?: string;
}

export function dependencyReport(input: ReportInput): DependencyReport {
  const { spec, cluster, status } = input;
  const base = { dependency: `${spec.namespace}/${spec.name}`, cluster };
  const upstream = status?.upstream && Object.keys(status.upstream).length > 0 ? { upstream: status.upstream } : {};
  if (input.deleting) return { ...base, state: 'absent', detail: 'being deleted' };
  if (!input.targeted) {
    if (input.targetMissing)
      return { ...base, state: 'waiting', detail: `its target ${cluster} is not registered yet` };
    if (!input.targetsResolved) return { ...base, state: 'waiting', detail: 'resolving its targets' };
    return { ...base, state: 'not-targeted', detail: `${spec.name} does not target ${cluster}` };
  }
  if (!status || status.removed) return { ...base, state: 'waiting', detail: 'starting', ...upstream };
  if (status.phase !== 'Running')
    return { ...base, state: 'waiting', phase: status.phase, detail: status.phase, ...upstream };
  if (status.observedSpec !== (input.currentDigest ?? specDigest(spec))) {
    // A Running seen before the latest spec change says nothing about the change: wait for a check at this spec.
    return {
      ...base,
      state: 'waiting',
      phase: status.phase,
      detail: 'Running at an earlier spec; checking the current one',
      ...upstream,
    };
  }
  return { ...base, state: 'ready', phase: 'Running', detail: 'Running', ...upstream };
}
