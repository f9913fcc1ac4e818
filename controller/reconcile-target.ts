// One IntegrationTarget object -> its target workflow (same id as `ksit apply`); on deletion the workflow ends,
// Integrations are told to re-resolve their clusters, and the finalizer goes.
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { targetOwner } from '../client/kubernetes-owner.js';
import { refreshIntegrations } from '../client/status-list.js';
import { applyTarget } from '../client/workflow-apply.js';
import { deleteTargetSignal, workflowIds } from '../workflows/definitions.js';
import { FINALIZER } from './controller-state.js';
import { TARGET_NAMES } from './crd/crd-manifests.js';
import type { KsitObject } from './kube-objects.js';
import { targetSpecOf } from './object-spec.js';
import type { ReconcileDeps } from './reconcile-integration.js';

const DELETE_POLL_MS = 2_000;

export async function reconcileTarget(
  deps: ReconcileDeps,
  obj: KsitObject,
): Promise<{ requeueAfterMs?: number } | void> {
  const { kube, state } = deps;
  const { uid, generation = 0, namespace, name } = obj.metadata;
  const finalizers = obj.metadata.finalizers ?? [];
  if (obj.metadata.deletionTimestamp) {
    if (!finalizers.includes(FINALIZER)) return;
    const handle = deps.temporal.workflow.getHandle(workflowIds.target(namespace, name));
    try {
      const running = (await handle.describe()).status.name === 'RUNNING';
      if (running && (await targetOwner(handle))?.uid === uid) {
        await handle.signal(deleteTargetSignal);
        return { requeueAfterMs: DELETE_POLL_MS };
      }
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
    await refreshIntegrations(deps.temporal);
    await kube.setFinalizers(
      TARGET_NAMES,
      obj,
      finalizers.filter((f) => f !== FINALIZER),
    );
    state.forget(uid);
    return;
  }
  if (!finalizers.includes(FINALIZER)) {
    await kube.setFinalizers(TARGET_NAMES, obj, [...finalizers, FINALIZER]);
    return;
  }
  const parsed = targetSpecOf(obj);
  if (!parsed.ok) {
    if (state.invalid.get(uid) !== parsed.message) deps.event(obj, 'Warning', 'InvalidSpec', parsed.message);
    state.invalid.set(uid, parsed.message);
    deps.statusChanged();
    return;
  }
  state.invalid.delete(uid);
  try {
    const outcome = await applyTarget(deps.temporal, parsed.spec);
    if (outcome !== 'unchanged') {
      deps.event(
        obj,
        'Normal',
        outcome === 'created' ? 'Created' : 'Updated',
        `target workflow ${workflowIds.target(namespace, name)}`,
      );
      // Integrations re-resolve their clusters every few minutes; a new or changed target should count now.
      await refreshIntegrations(deps.temporal);
    }
  } catch (err) {
    if (!(err instanceof WorkflowUpdateFailedError)) throw err;
    const message = err.cause?.message ?? err.message;
    state.invalid.set(uid, message);
    deps.event(obj, 'Warning', 'SpecRejected', message);
  }
  state.accepted.set(uid, { generation, atMs: 0 });
  deps.statusChanged();
}
