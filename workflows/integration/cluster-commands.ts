// Pause, resume and reinstall of an Integration, whole or on one cluster: validated against the Integration's
// targets, then forwarded to the cluster lifecycles, which do the work. Runs inside integrationWorkflow.
import { ApplicationFailure, getExternalWorkflowHandle, setHandler } from '@temporalio/workflow';
import type { IntegrationSpec } from '../../shared/types.js';
import {
  clusterPauseSignal,
  clusterReinstallSignal,
  type ClusterScope,
  pauseUpdate,
  reinstallUpdate,
  resumeUpdate,
} from '../definitions.js';

export interface CommandHost {
  spec(): IntegrationSpec;
  /** Target name -> lifecycle workflow id. */
  children(): Readonly<Record<string, string>>;
  /** The Integration as a whole was paused (true) or resumed (false). */
  setPaused(paused: boolean): void;
}

/** The lifecycle of `cluster`, or a non-retryable failure naming the Integration's real targets. */
export function lifecycleOf(host: Pick<CommandHost, 'spec' | 'children'>, cluster: string) {
  const id = host.children()[cluster];
  if (!id) {
    const { namespace, name } = host.spec();
    throw ApplicationFailure.nonRetryable(`cluster ${cluster} is not a target of ${namespace}/${name}`);
  }
  return getExternalWorkflowHandle(id);
}

export function registerClusterCommands(host: CommandHost): void {
  const scoped = (scope: ClusterScope) => (scope.cluster ? [scope.cluster] : Object.keys(host.children()).sort());
  const validateScope = (scope: ClusterScope) => {
    if (scope.cluster && !host.children()[scope.cluster]) {
      const known = Object.keys(host.children()).sort().join(', ') || 'none yet';
      const { namespace, name } = host.spec();
      throw new Error(`cluster ${scope.cluster} is not a target of ${namespace}/${name} (targets: ${known})`);
    }
  };
  const forward = async (scope: ClusterScope, send: (cluster: string) => Promise<void>) => {
    const clusters = scoped(scope);
    await Promise.all(clusters.map(send));
    return { clusters };
  };
  const pauseOrResume = (paused: boolean) => (scope: ClusterScope) => {
    if (!scope.cluster) host.setPaused(paused);
    return forward(scope, (c) => lifecycleOf(host, c).signal(clusterPauseSignal, paused));
  };
  setHandler(pauseUpdate, pauseOrResume(true), { validator: validateScope });
  setHandler(resumeUpdate, pauseOrResume(false), { validator: validateScope });
  setHandler(reinstallUpdate, (scope) => forward(scope, (c) => lifecycleOf(host, c).signal(clusterReinstallSignal)), {
    validator: (scope) => {
      validateScope(scope);
      const { namespace, name, install } = host.spec();
      if (!install) throw new Error(`${namespace}/${name} has no autoInstall: nothing to reinstall`);
    },
  });
}
