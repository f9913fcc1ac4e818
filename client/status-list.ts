// Reading Integrations and targets back from Temporal: visibility finds the running workflows, a query asks each
// for its status. A workflow whose worker does not answer is still listed, with the phase it last published in
// its search attributes, so one dead worker does not hide the rest of the fleet.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { DEFAULTS } from '../shared/spec/index.js';
import type { IntegrationStatus, TargetStatus } from '../shared/types.js';
import {
  integrationStatusQuery,
  refreshTargetsSignal,
  targetStatusQuery,
  workflowIds,
} from '../workflows/definitions.js';
import { KsitPhase } from '../workflows/search-attributes.js';
import { KsitError } from './errors.js';

type Handle = ReturnType<Client['workflow']['getHandle']>;

const QUERY_TIMEOUT_MS = 5_000;
const NO_ANSWER = 'no worker answered the status query; is a ksit worker running on this task queue?';

export const DEFAULT_NAMESPACE = DEFAULTS.namespace;

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('no answer')), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

async function listStatuses<T>(
  client: Client,
  kind: 'integration' | 'target',
  query: (h: Handle) => Promise<T>,
  fallback: (workflowId: string, phase: string) => T,
): Promise<T[]> {
  const found: { id: string; phase: string }[] = [];
  for await (const wf of client.workflow.list({ query: `KsitKind = '${kind}' AND ExecutionStatus = 'Running'` })) {
    found.push({ id: wf.workflowId, phase: wf.typedSearchAttributes.get(KsitPhase) ?? 'Unknown' });
  }
  found.sort((a, b) => a.id.localeCompare(b.id));
  return Promise.all(
    found.map(({ id, phase }) =>
      withDeadline(query(client.workflow.getHandle(id)), QUERY_TIMEOUT_MS).catch(() => fallback(id, phase)),
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
export async function runningHandle(
  client: Client,
  kind: 'integration' | 'target',
  namespace: string,
  name: string,
): Promise<Handle> {
  const id = kind === 'integration' ? workflowIds.integration(namespace, name) : workflowIds.target(namespace, name);
  const handle = client.workflow.getHandle(id);
  const plural = kind === 'integration' ? 'integrations' : 'targets';
  const notFound = () =>
    new KsitError(`${kind} ${namespace}/${name} not found; \`ksit get ${plural}\` lists them (-n picks the namespace)`);
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
  return withDeadline(promise, QUERY_TIMEOUT_MS).catch((err: unknown) => {
    if (err instanceof KsitError) throw err;
    throw new KsitError(`${NO_ANSWER} (${(err as Error).message.split('\n')[0]})`);
  });
}

/** Integrations re-resolve their targets every few minutes; after a target changes, tell them to do it now. */
export async function refreshIntegrations(client: Client): Promise<number> {
  let told = 0;
  for await (const wf of client.workflow.list({ query: `KsitKind = 'integration' AND ExecutionStatus = 'Running'` })) {
    await client.workflow
      .getHandle(wf.workflowId)
      .signal(refreshTargetsSignal)
      .then(() => told++)
      .catch(() => undefined);
  }
  return told;
}
