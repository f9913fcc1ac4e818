import {
  ActivityFailure,
  CancellationScope,
  condition,
  continueAsNew,
  isCancellation,
  setHandler,
  sleep,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { targetSpecProblems } from '../shared/spec-invariants.js';
import type { TargetSpec, TargetStatus } from '../shared/types.js';
import { clusterActivities } from './activity-proxies.js';
import { deleteTargetSignal, targetStatusQuery, updateTargetUpdate } from './definitions.js';
import { KsitCluster, KsitKind, KsitPhase } from './search-attributes.js';

const CHECK_EVERY_MS = 60_000;
const MAX_HISTORY_EVENTS = 2_000;

export interface TargetInput {
  target: TargetSpec;
  status?: TargetStatus;
}

/**
 * One IntegrationTarget: checks the cluster answers and reports its version, Ready or NotReady with a reason.
 * Its memo carries the target spec (a credential reference, never the credentials) for Integrations to resolve.
 */
export async function targetWorkflow(input: TargetInput): Promise<TargetStatus> {
  let target = input.target;
  let deleted = false;
  let scope: CancellationScope | undefined;
  const st: TargetStatus = input.status ?? {
    name: target.name,
    namespace: target.namespace,
    clusterName: target.clusterName,
    labels: target.labels,
    ready: false,
    message: 'not checked yet',
  };

  setHandler(targetStatusQuery, () => st);
  setHandler(deleteTargetSignal, () => {
    deleted = true;
    scope?.cancel();
  });
  setHandler(
    updateTargetUpdate,
    (next) => {
      const changed = JSON.stringify(next) !== JSON.stringify(target);
      if (changed) {
        target = next;
        Object.assign(st, { clusterName: next.clusterName, labels: next.labels });
        upsertMemo({ target: next });
        scope?.cancel();
      }
      return { changed };
    },
    {
      validator: (next) => {
        const problems = targetSpecProblems(next);
        if (next?.name !== target.name || next?.namespace !== target.namespace)
          problems.push('name and namespace cannot change');
        if (problems.length > 0) throw new Error(`invalid target: ${problems.join('; ')}`);
      },
    },
  );

  upsertSearchAttributes([
    { key: KsitKind, value: 'target' },
    { key: KsitCluster, value: target.clusterName },
  ]);
  upsertMemo({ target });

  while (!deleted) {
    let ready: boolean;
    let message: string;
    try {
      const probe = await clusterActivities.probeTarget(target);
      ready = true;
      message = `${probe.server} answered, Kubernetes ${probe.serverVersion}`;
      st.serverVersion = probe.serverVersion;
    } catch (err) {
      ready = false;
      const cause = err instanceof ActivityFailure ? err.cause : err;
      message = cause instanceof Error ? cause.message : String(cause);
    }
    st.lastCheckAt = new Date().toISOString();
    if (ready !== st.ready || message !== st.message) {
      Object.assign(st, { ready, message });
      upsertSearchAttributes([{ key: KsitPhase, value: ready ? 'Ready' : 'NotReady' }]);
    }
    scope = new CancellationScope();
    try {
      await scope.run(() => sleep(CHECK_EVERY_MS));
    } catch (err) {
      if (!isCancellation(err)) throw err;
    }
    scope = undefined;
    const info = workflowInfo();
    if (!deleted && (info.continueAsNewSuggested || info.historyLength > MAX_HISTORY_EVENTS)) {
      await condition(() => true);
      return continueAsNew<typeof targetWorkflow>({ target, status: st });
    }
  }
  return { ...st, ready: false, message: 'deleted' };
}
