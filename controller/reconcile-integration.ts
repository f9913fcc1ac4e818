// One Integration object -> its workflow: finalizer on, spec validated (Stalled when not), started or updated with
// the same deterministic id as `ksit apply`, then suspend and the reinstall annotation. On deletion the workflow is
// asked to finish (uninstalling with deletionPolicy: Uninstall) and the finalizer goes once it has.
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { REINSTALL_ANNOTATION } from '../client/kubernetes-owner.js';
import { applyIntegration } from '../client/workflow-apply.js';
import type { IntegrationSpec, IntegrationStatus } from '../shared/types.js';
import {
  deleteSignal,
  integrationSpecQuery,
  integrationStatusQuery,
  pauseUpdate,
  reinstallUpdate,
  resumeUpdate,
  workflowIds,
} from '../workflows/definitions.js';
import { FINALIZER, type ControllerState } from './controller-state.js';
import { INTEGRATION_NAMES } from './crd/crd-manifests.js';
import type { KsitObject, KubeObjects } from './kube-objects.js';
import { integrationSpecOf } from './object-spec.js';

export interface ReconcileDeps {
  kube: KubeObjects;
  temporal: Client;
  state: ControllerState;
  event(obj: KsitObject, type: 'Normal' | 'Warning', reason: string, note: string): void;
  /** Ask the status writer to look at this object now rather than at its next round. */
  statusChanged(): void;
}

const DELETE_POLL_MS = 2_000;
type Result = { requeueAfterMs?: number } | void;

function updateError(err: unknown): string | undefined {
  if (err instanceof WorkflowUpdateFailedError) return err.cause?.message ?? err.message;
  return undefined;
}

export async function reconcileIntegration(deps: ReconcileDeps, obj: KsitObject): Promise<Result> {
  const { kube, state } = deps;
  const { uid, generation = 0 } = obj.metadata;
  const finalizers = obj.metadata.finalizers ?? [];
  if (obj.metadata.deletionTimestamp) return finalize(deps, obj);
  if (!finalizers.includes(FINALIZER)) {
    // The update comes back through the informer and reconciles again.
    await kube.setFinalizers(INTEGRATION_NAMES, obj, [...finalizers, FINALIZER]);
    return;
  }
  const parsed = integrationSpecOf(obj);
  if (!parsed.ok) {
    if (state.invalid.get(uid) !== parsed.message) deps.event(obj, 'Warning', 'InvalidSpec', parsed.message);
    state.invalid.set(uid, parsed.message);
    deps.statusChanged();
    return;
  }
  state.invalid.delete(uid);
  const spec = parsed.spec;
  let outcome;
  try {
    outcome = await applyIntegration(deps.temporal, spec);
  } catch (err) {
    const refused = updateError(err);
    if (!refused) throw err;
    if (state.refused.get(uid) !== refused) deps.event(obj, 'Warning', 'SpecRejected', refused);
    state.refused.set(uid, refused);
    deps.statusChanged();
    return;
  }
  state.refused.delete(uid);
  const before = state.accepted.get(uid);
  // "unchanged": accepted earlier. When this process saw it, it knows when; when the object's status already says
  // so (written by an earlier leader), long enough ago; otherwise (a leader died between the update and the status
  // write) only now, so that a Running seen before the change cannot count for it.
  const statusGeneration = (obj.status as { observedGeneration?: number } | undefined)?.observedGeneration;
  const earlier = before?.generation === generation ? before.atMs : statusGeneration === generation ? 0 : Date.now();
  const atMs = outcome === 'unchanged' ? earlier : Date.now();
  state.accepted.set(uid, { generation, atMs });
  if (outcome !== 'unchanged')
    deps.event(
      obj,
      'Normal',
      outcome === 'created' ? 'Created' : 'Updated',
      `generation ${generation} accepted by workflow ${workflowIds.integration(spec.namespace, spec.name)}`,
    );
  await applySwitches(deps, obj, spec, outcome === 'created');
  deps.statusChanged();
}

/**
 * spec.suspend and the reinstall annotation, through the workflow's own updates. A workflow this reconcile just
 * created is known to run unpaused: asking it would wait for its first workflow task, which during a large apply
 * (1,000 objects at once) is queued behind the others and timed the query out, failing the reconcile for nothing.
 */
async function applySwitches(
  deps: ReconcileDeps,
  obj: KsitObject,
  spec: IntegrationSpec,
  justCreated: boolean,
): Promise<void> {
  const handle = deps.temporal.workflow.getHandle(workflowIds.integration(spec.namespace, spec.name));
  const suspend = obj.spec.suspend === true;
  const paused = justCreated ? false : (await handle.query(integrationStatusQuery)).paused;
  if (suspend && !paused) {
    await handle.executeUpdate(pauseUpdate, { args: [{}] });
    deps.event(obj, 'Normal', 'Suspended', 'spec.suspend: true: checks and installs paused on every cluster');
  } else if (!suspend && paused) {
    await handle.executeUpdate(resumeUpdate, { args: [{}] });
    deps.event(obj, 'Normal', 'Resumed', 'spec.suspend is off: checks and installs resumed');
  }
  const requested = obj.metadata.annotations?.[REINSTALL_ANNOTATION];
  const handled = obj.status?.lastHandledReinstallAt;
  if (!requested || requested === handled) return;
  try {
    const { clusters } = await handle.executeUpdate(reinstallUpdate, { args: [{}] });
    deps.event(
      obj,
      'Normal',
      'ReinstallRequested',
      `reinstalling on ${clusters.join(', ') || 'no clusters yet'} (${requested})`,
    );
  } catch (err) {
    const refused = updateError(err);
    if (!refused) throw err;
    deps.event(obj, 'Warning', 'ReinstallRejected', refused);
  }
  // Handled either way: the same annotation value is not acted on twice.
  await deps.kube.patchStatus(INTEGRATION_NAMES, obj, { lastHandledReinstallAt: requested });
}

/**
 * Deletion: the workflow (if this object owns it) is told to finish, uninstalling with deletionPolicy: Uninstall;
 * the finalizer goes once it has ended. A failed uninstall keeps the object, Stalled with the reason, until it is
 * fixed or the policy is set to Orphan.
 */
async function finalize(deps: ReconcileDeps, obj: KsitObject): Promise<Result> {
  const { namespace, name, uid } = obj.metadata;
  const finalizers = obj.metadata.finalizers ?? [];
  if (!finalizers.includes(FINALIZER)) return;
  const uninstall = obj.spec.deletionPolicy === 'Uninstall';
  const handle = deps.temporal.workflow.getHandle(workflowIds.integration(namespace, name));
  let running = false;
  try {
    running = (await handle.describe()).status.name === 'RUNNING';
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
  if (running) {
    const owner = (await handle.query(integrationSpecQuery)).managedBy;
    if (owner?.uid !== uid) return removeFinalizer(deps, obj); // not ours (CLI-owned, or a newer object's)
    await handle.signal(deleteSignal, { uninstall });
    if (!deps.state.refused.has(`delete:${uid}`)) {
      deps.state.refused.set(`delete:${uid}`, 'deleting');
      deps.event(
        obj,
        'Normal',
        'Deleting',
        uninstall ? 'uninstalling from every cluster' : 'stopping; tools stay installed (deletionPolicy: Orphan)',
      );
    }
    return { requeueAfterMs: DELETE_POLL_MS };
  }
  if (uninstall) {
    const final = (await handle.result().catch(() => undefined)) as IntegrationStatus | undefined;
    const failed = final?.clusters.filter((c) => c.phase === 'Failed') ?? [];
    if (failed.length > 0) {
      const message = `uninstall failed on ${failed.map((c) => `${c.cluster}: ${c.message}`).join('; ')}; remove the release by hand (helm uninstall), or set spec.deletionPolicy: Orphan to let the object go`;
      deps.state.refused.set(uid, message);
      deps.event(obj, 'Warning', 'UninstallFailed', message);
      deps.statusChanged();
      return;
    }
  }
  return removeFinalizer(deps, obj);
}

async function removeFinalizer(deps: ReconcileDeps, obj: KsitObject): Promise<void> {
  const finalizers = (obj.metadata.finalizers ?? []).filter((f) => f !== FINALIZER);
  await deps.kube.setFinalizers(INTEGRATION_NAMES, obj, finalizers);
  deps.state.forget(obj.metadata.uid);
  deps.state.refused.delete(`delete:${obj.metadata.uid}`);
}
