// `ksit apply -f FILE...`: validates every document first (nothing starts if any is bad), then starts or updates
// one workflow per IntegrationTarget and Integration. Re-applying an unchanged file changes nothing.
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { IntegrationSpec, TargetSpec } from '../../shared/types.js';
import {
  refreshTargetsSignal,
  updateSpecUpdate,
  updateTargetUpdate,
  workflowIds,
} from '../../workflows/definitions.js';
import { KsitIntegration, KsitKind, KsitType, KsitCluster } from '../../workflows/search-attributes.js';
import { connectTemporal, TASK_QUEUE } from '../temporal.js';
import type { Command } from './command.js';
import { loadValidFiles } from './spec-files.js';

const USAGE = 'ksit apply -f FILE [-f FILE...]';

export const applyCommand: Command = {
  summary: 'validate, then start or update Integrations and IntegrationTargets',
  usage: USAGE,
  async run(args) {
    const documents = await loadValidFiles('apply', args, USAGE, '; nothing was applied');
    if (!documents) return 0;
    const client = await connectTemporal();
    // Targets first, so Integrations applied in the same run can resolve them.
    let targetsChanged = false;
    for (const doc of documents) {
      if (doc.kind !== 'IntegrationTarget') continue;
      const line = await applyTarget(client, doc.spec);
      targetsChanged ||= !line.endsWith('unchanged');
      report(line);
    }
    if (targetsChanged) await refreshIntegrations(client);
    for (const doc of documents) if (doc.kind === 'Integration') report(await applyIntegration(client, doc.spec));
    return 0;
  },
};

/** Integrations re-resolve their targets every few minutes; a changed target tells them to do it now. */
async function refreshIntegrations(client: Client): Promise<void> {
  for await (const wf of client.workflow.list({ query: `KsitKind = 'integration' AND ExecutionStatus = 'Running'` })) {
    await client.workflow
      .getHandle(wf.workflowId)
      .signal(refreshTargetsSignal)
      .catch(() => undefined);
  }
}

function report(line: string): void {
  process.stdout.write(`${line}\n`);
}

type StartOptions = Parameters<Client['workflow']['start']>[1];

/**
 * Starts the object's workflow, or, when it already runs, sends it the spec as an update (which its validator
 * may reject). Says what happened the way kubectl does: created, configured or unchanged.
 */
async function startOrUpdate<A>(
  client: Client,
  name: string,
  workflowType: string,
  options: StartOptions & { workflowId: string },
  update: UpdateDefinition<{ changed: boolean }, [A]>,
  spec: A,
): Promise<string> {
  try {
    await client.workflow.start(workflowType, { ...options, taskQueue: TASK_QUEUE });
    return `${name} created`;
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    const { changed } = await client.workflow.getHandle(options.workflowId).executeUpdate(update, { args: [spec] });
    return `${name} ${changed ? 'configured' : 'unchanged'}`;
  }
}

function applyTarget(client: Client, target: TargetSpec): Promise<string> {
  const options = {
    taskQueue: TASK_QUEUE,
    workflowId: workflowIds.target(target.namespace, target.name),
    args: [{ target }],
    memo: { target },
    typedSearchAttributes: [
      { key: KsitKind, value: 'target' },
      { key: KsitCluster, value: target.clusterName },
    ],
  };
  return startOrUpdate(
    client,
    `integrationtarget/${target.name}`,
    'targetWorkflow',
    options,
    updateTargetUpdate,
    target,
  );
}

function applyIntegration(client: Client, spec: IntegrationSpec): Promise<string> {
  const options = {
    taskQueue: TASK_QUEUE,
    workflowId: workflowIds.integration(spec.namespace, spec.name),
    args: [{ spec }],
    typedSearchAttributes: [
      { key: KsitKind, value: 'integration' },
      { key: KsitIntegration, value: `${spec.namespace}/${spec.name}` },
      { key: KsitType, value: spec.type },
    ],
  };
  return startOrUpdate(client, `integration/${spec.name}`, 'integrationWorkflow', options, updateSpecUpdate, spec);
}
