// `ksit apply -f FILE...`: validates every document first (nothing starts if any is bad), then starts or updates
// one workflow per IntegrationTarget and Integration. Re-applying an unchanged file changes nothing.
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { IntegrationSpec, TargetSpec } from '../../shared/types.js';
import { updateSpecUpdate, updateTargetUpdate, workflowIds } from '../../workflows/definitions.js';
import { KsitIntegration, KsitKind, KsitType, KsitCluster } from '../../workflows/search-attributes.js';
import { formatDuration, parseDuration } from '../../shared/spec/index.js';
import { EXIT, KsitError, UsageError } from '../errors.js';
import { refreshIntegrations } from '../status-list.js';
import { connectTemporal, taskQueue } from '../temporal.js';
import type { Command } from './command.js';
import { waitUntilRunning } from '../wait-running.js';
import { loadValidFiles } from './spec-files.js';
import { whoAmI } from '../who-am-i.js';

const USAGE = 'ksit apply -f FILE [-f FILE...] [--wait] [--timeout 10m]';

export const applyCommand: Command = {
  summary: 'validate, then start or update Integrations and IntegrationTargets (--wait: until Running)',
  usage: USAGE,
  async run(args) {
    const loaded = await loadValidFiles('apply', args, USAGE, '; nothing was applied', {
      wait: { type: 'boolean' },
      timeout: { type: 'string' },
    });
    if (!loaded) return 0;
    const { documents, values } = loaded;
    const timeoutMs = parseDuration((values.timeout as string | undefined) ?? '10m');
    if (timeoutMs === undefined)
      throw new UsageError(`--timeout "${String(values.timeout)}" is not a duration like 90s or 10m`, USAGE);
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
    const integrations = documents.flatMap((d) => (d.kind === 'Integration' ? [d.spec] : []));
    for (const spec of integrations) report(await applyIntegration(client, spec));
    if (!values.wait || integrations.length === 0) return 0;

    const outcome = await waitUntilRunning(client, integrations, timeoutMs, (line) =>
      process.stderr.write(`${line}\n`),
    );
    if (outcome === 'running') {
      report(`all ${integrations.length} Integration(s) Running`);
      return 0;
    }
    if (outcome === 'failed') throw new KsitError('a cluster is Failed; `ksit describe integration NAME` says why');
    throw new KsitError(`not Running within ${formatDuration(timeoutMs)}; ksit keeps working on it in the background`, {
      exitCode: EXIT.timeout,
    });
  },
};

function report(line: string): void {
  process.stdout.write(`${line}\n`);
}

type StartOptions = Parameters<Client['workflow']['start']>[1];

/**
 * Starts the object's workflow, or, when it already runs, sends it the spec as an update (which its validator
 * may reject). Says what happened the way kubectl does: created, configured or unchanged.
 */
async function startOrUpdate<Args extends [unknown, ...unknown[]]>(
  client: Client,
  name: string,
  workflowType: string,
  options: StartOptions & { workflowId: string },
  update: UpdateDefinition<{ changed: boolean; revision?: number }, Args>,
  args: Args,
): Promise<string> {
  try {
    await client.workflow.start(workflowType, { ...options, taskQueue: taskQueue() });
    return `${name} created`;
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    const { changed, revision } = await client.workflow.getHandle(options.workflowId).executeUpdate(update, { args });
    return `${name} ${changed ? 'configured' : 'unchanged'}${changed && revision ? ` (revision ${revision})` : ''}`;
  }
}

function applyTarget(client: Client, target: TargetSpec): Promise<string> {
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
  return startOrUpdate(client, `integrationtarget/${target.name}`, 'targetWorkflow', options, updateTargetUpdate, [
    target,
  ]);
}

function applyIntegration(client: Client, spec: IntegrationSpec): Promise<string> {
  const options = {
    taskQueue: taskQueue(),
    workflowId: workflowIds.integration(spec.namespace, spec.name),
    args: [{ spec, by: whoAmI() }],
    typedSearchAttributes: [
      { key: KsitKind, value: 'integration' },
      { key: KsitIntegration, value: `${spec.namespace}/${spec.name}` },
      { key: KsitType, value: spec.type },
    ],
  };
  return startOrUpdate(client, `integration/${spec.name}`, 'integrationWorkflow', options, updateSpecUpdate, [
    spec,
    { by: whoAmI() },
  ]);
}
