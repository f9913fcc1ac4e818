import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/**
 * After a deleted Integration and its lifecycles have closed: gives back the time-skipping locks that the Java
 * test server keeps for them, so that the test's later waits skip time again instead of running in real time.
 *
 * The server takes a lock per running activity and one per child completion it must report to the parent, and
 * releases each when the activity's outcome or the report is recorded. Two things recorded too late never are:
 * - an activity whose workflow closed first: a cancelled watch (the lifecycle does not wait for the cancel to be
 *   acknowledged, as it should not: a pause must not wait for a heartbeat) reports to a closed workflow;
 * - a lifecycle that ends after its Integration: the Integration ends once every lifecycle has *reported* its
 *   removal, and the lifecycle's completion then finds its parent closed.
 * Both show in the histories: an activity scheduled with no outcome, a child started with no close event.
 * A watch that noticed its closed workflow by heartbeat gave its lock back itself (`givenBack`).
 */
export async function giveBackLocksOfClosed(
  env: TestWorkflowEnvironment,
  integrationId: string,
  lifecycleIds: string[],
  fake: { settle(): Promise<void>; givenBack(workflowId: string): number },
): Promise<number> {
  await Promise.all(
    lifecycleIds.map((id) =>
      env.client.workflow
        .getHandle(id)
        .result()
        .catch(() => undefined),
    ),
  );
  await fake.settle(); // every watch has ended and said whether it gave its lock back
  let leaked = 0;
  for (const id of lifecycleIds) {
    const events = await historyOf(env, id);
    if (events.length === 0) continue;
    leaked += Math.max(0, activitiesWithoutOutcome(events) - fake.givenBack(id));
  }
  leaked += childrenWithoutClose(await historyOf(env, integrationId), new Set(lifecycleIds));
  const service = env.connection.testService;
  if (!service) throw new Error('not a time-skipping test environment');
  for (let i = 0; i < leaked; i++) await service.unlockTimeSkipping({});
  return leaked;
}

async function historyOf(env: TestWorkflowEnvironment, workflowId: string): Promise<HistoryEvent[]> {
  const history = await env.client.workflow
    .getHandle(workflowId)
    .fetchHistory()
    .catch(() => undefined);
  return history?.events ?? [];
}

function activitiesWithoutOutcome(events: HistoryEvent[]): number {
  const open = new Set<string>();
  for (const e of events) {
    const id = String(e.eventId);
    if (e.activityTaskScheduledEventAttributes) open.add(id);
    const outcome =
      e.activityTaskCompletedEventAttributes ??
      e.activityTaskFailedEventAttributes ??
      e.activityTaskTimedOutEventAttributes ??
      e.activityTaskCanceledEventAttributes;
    if (outcome) open.delete(String(outcome.scheduledEventId));
  }
  return open.size;
}

/** Children among `closedIds` (all closed by now) whose close the parent never recorded. */
function childrenWithoutClose(events: HistoryEvent[], closedIds: Set<string>): number {
  const open = new Set<string>();
  for (const e of events) {
    const started = e.childWorkflowExecutionStartedEventAttributes?.workflowExecution?.workflowId;
    if (started && closedIds.has(started)) open.add(started);
    const closed =
      e.childWorkflowExecutionCompletedEventAttributes ??
      e.childWorkflowExecutionFailedEventAttributes ??
      e.childWorkflowExecutionCanceledEventAttributes ??
      e.childWorkflowExecutionTerminatedEventAttributes ??
      e.childWorkflowExecutionTimedOutEventAttributes;
    if (closed) open.delete(closed.workflowExecution?.workflowId ?? '');
  }
  return open.size;
}

/** The last events of a workflow's history, one word each (with signal names and failures), for test failures. */
export async function historySummary(env: TestWorkflowEnvironment, workflowId: string, last = 40): Promise<string> {
  const events = await historyOf(env, workflowId);
  const words = events.map((e) => {
    const kind = Object.keys(e).find((k) => k.endsWith('EventAttributes')) ?? 'unknown';
    const signal =
      e.workflowExecutionSignaledEventAttributes?.signalName ??
      e.signalExternalWorkflowExecutionInitiatedEventAttributes?.signalName;
    const failure = e.workflowTaskFailedEventAttributes?.failure?.message;
    return `${e.eventId}:${kind.replace('EventAttributes', '')}${signal ? `(${signal})` : ''}${failure ? `[${failure}]` : ''}`;
  });
  return `${workflowId} (${events.length} events): ${words.slice(-last).join(' ')}`;
}
