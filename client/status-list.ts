// Reading Integrations and targets back from Temporal. Integrations come from one visibility list: each workflow
// keeps what the listing shows in its memo (shared/listing-memo.ts), so 1,000 Integrations cost one list call,
// not 1,000 queries. Targets, and Integrations whose run predates the memo, are asked by query. A workflow whose
// worker does not answer is still listed, with the phase it last published in its search attributes, so one dead
// worker does not hide the rest of the fleet.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { LISTING_MEMO_KEY, statusFromListingMemo } from '../shared/listing-memo.js';
import { DEFAULTS } from '../shared/spec/constants.js';
import type { IntegrationStatus, TargetStatus } from '../shared/types.js';
import { integrationStatusQuery, refreshTargetsSignal, targetStatusQuery } from '../workflows/definitions.js';
import { KsitPhase } from '../workflows/search-attributes.js';
import { withDeadline } from './deadlines.js';
import { KsitError } from './errors.js';
import { KINDS, type Kind } from './kinds.js';
import { noWorkerNote, queuesWithoutWorkers } from './worker-liveness.js';

type Handle = ReturnType<Client['workflow']['getHandle']>;

const QUERY_TIMEOUT_MS = 5_000;
const NO_ANSWER = 'no worker answered the status query; is a ksit worker running on this task queue?';

export const DEFAULT_NAMESPACE = DEFAULTS.namespace;

const noAnswer = () => new Error('no answer');

/** Status queries in flight at once for workflows without a listing memo: a query is a workflow task each. */
const QUERY_CONCURRENCY = 16;

async function listStatuses<T>(
  client: Client,
  kind: Kind,
  query: (h: Handle) => Promise<T>,
  fallback: (workflowId: string, phase: string) => T,
  fromMemo: (memo: Record<string, unknown> | undefined, workflowId: string) => T | undefined = () => undefined,
  stale?: (status: T, note: string) => T,
  taskQueue?: string,
): Promise<T[]> {
  const found: { id: string; phase: string; queue: string; status?: T }[] = [];
  const onQueue = taskQueue ? ` AND TaskQueue = '${taskQueue.replaceAll("'", '')}'` : '';
  const running = `KsitKind = '${KINDS[kind].searchKind}' AND ExecutionStatus = 'Running'${onQueue}`;
  const list = client.workflow.list({ query: running, pageSize: 1000 });
  for await (const wf of list) {
    const phase = wf.typedSearchAttributes.get(KsitPhase) ?? 'Unknown';
    found.push({ id: wf.workflowId, phase, queue: wf.taskQueue, status: fromMemo(wf.memo, wf.workflowId) });
  }
  found.sort((a, b) => a.id.localeCompare(b.id));
  const memos = found.filter((f) => f.status !== undefined);
  if (memos.length > 0 && stale) {
    const idle = await queuesWithoutWorkers(
      client,
      memos.map((f) => f.queue),
    );
    for (const f of memos) if (idle.has(f.queue)) f.status = stale(f.status as T, noWorkerNote(f.queue));
  }
  const ask = found.filter((f) => f.status === undefined);
  for (let i = 0; i < ask.length; i += QUERY_CONCURRENCY) {
    await Promise.all(
      ask.slice(i, i + QUERY_CONCURRENCY).map(async (f) => {
        f.status = await withDeadline(query(client.workflow.getHandle(f.id)), QUERY_TIMEOUT_MS, noAnswer).catch(() =>
          fallback(f.id, f.phase),
        );
      }),
    );
  }
  return found.map((f) => f.status as T);
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

/**
 * Every running Integration (only those of `taskQueue` when given: the controller's own), from their listing memos.
 * `askFirst`: the workflows to ask by query even so. The controller asks the ones it has just changed: right after
 * an update, visibility can still hold the memo from before it, and that memo's revisions would make the old
 * Running count for the new generation.
 */
export function listIntegrations(
  client: Client,
  taskQueue?: string,
  askFirst: (workflowId: string) => boolean = () => false,
): Promise<IntegrationStatus[]> {
  return listStatuses(
    client,
    'integration',
    (h) => h.query(integrationStatusQuery),
    unansweredIntegration,
    (memo, workflowId) => (askFirst(workflowId) ? undefined : statusFromListingMemo(memo?.[LISTING_MEMO_KEY])),
    (s, note) => ({ ...s, message: s.message ? `${s.message}; ${note}` : note }),
    taskQueue,
  );
}

export function listTargets(client: Client, taskQueue?: string): Promise<TargetStatus[]> {
  return listStatuses(
    client,
    'target',
    (h) => h.query(targetStatusQuery),
    unansweredTarget,
    undefined,
    undefined,
    taskQueue,
  );
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
