// Reading Integrations and targets back from Temporal: visibility finds the running workflows, a query asks each
// for its status. A workflow whose worker does not answer is still listed, with the phase it last published in
// its search attributes, so one dead worker does not hide the rest of the fleet.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { DEFAULTS } from '../shared/spec/index.js';
import type { IntegrationStatus, TargetStatus } from '../shared/types.js';
import { integrationStatusQuery, refreshTargetsSignal, targetStatusQuery } from '../workflows/definitions.js';
import { KsitPhase } from '../workflows/search-attributes.js';
import { withDeadline } from './deadlines.js';
import { KsitError } from './errors.js';
import { KINDS, type Kind } from './kinds.js';

type Handle = ReturnType<Client['workflow']['getHandle']>;

const QUERY_TIMEOUT_MS = 5_000;
const NO_ANSWER = 'no worker answered the status query; is a ksit worker running on this task queue?';

export const DEFAULT_NAMESPACE = DEFAULTS.namespace;

const noAnswer = () => new Error('no answer');

async function listStatuses<T>(
  client: Client,
  kind: Kind,
  query: (h: Handle) => Promise<T>,
  fallback: (workflowId: string, phase: string) => T,
): Promise<T[]> {
  const found: { id: string; phase: string }[] = [];
  const running = `KsitKind = '${KINDS[kind].searchKind}' AND ExecutionStatus = 'Running'`;
  for await (const wf of client.workflow.list({ query: running })) {
    found.push({ id: wf.workflowId, phase: wf.typedSearchAttributes.get(KsitPhase) ?? 'Unknown' });
  }
  found.sort((a, b) => a.id.localeCompare(b.id));
  return Promise.all(
    found.map(({ id, phase }) =>
      withDeadline(query(client.workflow.getHandle(id)), QUERY_TIMEOUT_MS, noAnswer).catch(() => fallback(id, phase)),
    ),
  );
}

function unansweredIntegration(workflowId: string, phase: string): IntegrationStatus {
  const [, namespace = '', name = workflowId] = workflowId.split('/');
  return {
    name,
    namespace,
    type: 'custom',
    phase: phase as IntegrationStatus['phase'],
    message: NO_ANSWER,
    paused: false,
    clusters: [],
  };
}

function unansweredTarget(workflowId: string): TargetStatus {
  const [, namespace = '', name = workflowId] = workflowId.split('/');
  return { name, namespace, clusterName: '', labels: {}, ready: false, message: NO_ANSWER };
}

export function listIntegrations(client: Client): Promise<IntegrationStatus[]> {
  return listStatuses(client, 'integration', (h) => h.query(integrationStatusQuery), unansweredIntegration);
}

export function listTargets(client: Client): Promise<TargetStatus[]> {
  return listStatuses(client, 'target', (h) => h.query(targetStatusQuery), unansweredTarget);
}

/**
 * The handle of a running Integration or target workflow, or a KsitError that says it does not exist and how to
 * list what does.
 */
export async function runningHandle(client: Client, kind: Kind, namespace: string, name: string): Promise<Handle> {
  const handle = client.workflow.getHandle(KINDS[kind].workflowId(namespace, name));
  const notFound = () =>
    new KsitError(
      `${kind} ${namespace}/${name} not found; \`ksit get ${KINDS[kind].plural}\` lists them (-n picks the namespace)`,
    );
  try {
    const description = await handle.describe();
    if (description.status.name !== 'RUNNING') throw notFound();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw notFound();
    throw err;
  }
  return handle;
}

/** The query answer within the deadline, or a KsitError saying no worker answered. */
export function askWorker<T>(promise: Promise<T>): Promise<T> {
  return withDeadline(promise, QUERY_TIMEOUT_MS, noAnswer).catch((err: unknown) => {
    if (err instanceof KsitError) throw err;
    throw new KsitError(`${NO_ANSWER} (${(err as Error).message.split('\n')[0]})`);
  });
}

/** Integrations re-resolve their targets every few minutes; after a target changes, tell them to do it now. */
export async function refreshIntegrations(client: Client): Promise<number> {
  let told = 0;
  const running = `KsitKind = '${KINDS.integration.searchKind}' AND ExecutionStatus = 'Running'`;
  for await (const wf of client.workflow.list({ query: running })) {
    await client.workflow
      .getHandle(wf.workflowId)
      .signal(refreshTargetsSignal)
      .then(() => told++)
      .catch(() => undefined);
  }
  return told;
}
