// Starting or updating the workflow of one IntegrationTarget or Integration, the one way both front doors do it:
// `ksit apply` (client/commands/apply.ts) and the Kubernetes controller (controller/). Workflow ids are derived
// from namespace/name, so two callers (or two controller replicas) never start the same object twice.
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { IntegrationSpec, TargetSpec } from '../shared/types.js';
import { updateSpecUpdate, updateTargetUpdate, workflowIds } from '../workflows/definitions.js';
import { KsitCluster, KsitIntegration, KsitKind, KsitType } from '../workflows/search-attributes.js';
import { taskQueue } from './temporal.js';

type StartOptions = Parameters<Client['workflow']['start']>[1];

/** What happened, in kubectl's words. */
export type ApplyOutcome = 'created' | 'configured' | 'unchanged';

/**
 * Called with the running workflow's handle before it is updated; throws to refuse the update (the CLI refuses
 * to change what a Kubernetes object owns).
 */
export type BeforeUpdate = (handle: ReturnType<Client['workflow']['getHandle']>) => Promise<void>;

/**
 * Starts the object's workflow, or, when it already runs, sends it the spec as an update (which its validator
 * may reject with a WorkflowUpdateFailedError).
 */
async function startOrUpdate<A>(
  client: Client,
  workflowType: string,
  options: StartOptions & { workflowId: string },
  update: UpdateDefinition<{ changed: boolean }, [A]>,
  spec: A,
  beforeUpdate?: BeforeUpdate,
): Promise<ApplyOutcome> {
  try {
    await client.workflow.start(workflowType, { ...options, taskQueue: taskQueue() });
    return 'created';
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    const handle = client.workflow.getHandle(options.workflowId);
    await beforeUpdate?.(handle);
    const { changed } = await handle.executeUpdate(update, { args: [spec] });
    return changed ? 'configured' : 'unchanged';
  }
}

export function applyTarget(client: Client, target: TargetSpec, beforeUpdate?: BeforeUpdate): Promise<ApplyOutcome> {
  const options = {
    taskQueue: taskQueue(),
    workflowId: workflowIds.target(target.namespace, target.name),
    args: [{ target }],
    memo: { target },
    typedSearchAttributes: [
      { key: KsitKind, value: 'target' },
      { key: KsitCluster, value: target.clusterName },
    ],
  };
  return startOrUpdate(client, 'targetWorkflow', options, updateTargetUpdate, target, beforeUpdate);
}

export function applyIntegration(
  client: Client,
  spec: IntegrationSpec,
  beforeUpdate?: BeforeUpdate,
): Promise<ApplyOutcome> {
  const options = {
    taskQueue: taskQueue(),
    workflowId: workflowIds.integration(spec.namespace, spec.name),
    args: [{ spec }],
    typedSearchAttributes: [
      { key: KsitKind, value: 'integration' },
      { key: KsitIntegration, value: `${spec.namespace}/${spec.name}` },
      { key: KsitType, value: spec.type },
    ],
  };
  return startOrUpdate(client, 'integrationWorkflow', options, updateSpecUpdate, spec, beforeUpdate);
}
