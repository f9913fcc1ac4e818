// "No workflow is stuck": a running lifecycle must be waiting on something that will wake it, i.e. a pending
// activity (the health watch, a retry) or a started timer that has not fired. One waiting on neither would sleep
// forever unless a signal came. A stuck one is reported with what its history says about its workflow tasks, so
// that a soak's failure tells a task that keeps timing out (an overloaded worker) from one that fails (a bug).
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';

type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;
const { EventType, WorkflowTaskFailedCause } = proto.temporal.api.enums.v1;

function timersPending(events: HistoryEvent[]): number {
  const open = new Set<string>();
  for (const event of events) {
    const started = event.timerStartedEventAttributes?.timerId;
    if (started) open.add(started);
    const done = event.timerFiredEventAttributes?.timerId ?? event.timerCanceledEventAttributes?.timerId;
    if (done) open.delete(done);
  }
  return open.size;
}

/** Workflow task timeouts and failures since the last completed workflow task, in words ('' when none). */
export function workflowTaskTrouble(events: HistoryEvent[]): string {
  let timedOut = 0;
  let lastFailure = '';
  for (const event of events) {
    if (event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) {
      timedOut = 0;
      lastFailure = '';
    } else if (event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT) timedOut++;
    else if (event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED) {
      const a = event.workflowTaskFailedEventAttributes;
      const cause = WorkflowTaskFailedCause[a?.cause ?? 0] ?? String(a?.cause);
      lastFailure = `failed (${cause}): ${a?.failure?.message ?? ''}`.slice(0, 300);
    }
  }
  return [timedOut ? `${timedOut} workflow task timeouts` : '', lastFailure].filter(Boolean).join('; ');
}

/** What one running workflow waits on, or undefined when it is closed. */
export async function pendingWork(
  client: Client,
  workflowId: string,
): Promise<{ activities: string[]; timers: number; trouble: string; events: number } | undefined> {
  const handle = client.workflow.getHandle(workflowId);
  const description = await handle.describe();
  if (description.status.name !== 'RUNNING') return undefined;
  const activities = (description.raw.pendingActivities ?? []).map((a) => a.activityType?.name ?? '?');
  const events = (await handle.fetchHistory()).events ?? [];
  return { activities, timers: timersPending(events), trouble: workflowTaskTrouble(events), events: events.length };
}

/**
 * The workflows among `workflowIds` that run but wait on no activity and no timer, each with why. A workflow
 * caught between two steps (a workflow task in flight) is looked at again once before it counts.
 */
export async function unfinishedLifecycles(client: Client, workflowIds: string[]): Promise<string[]> {
  const stuck: string[] = [];
  for (const id of workflowIds) {
    let verdict = '';
    for (let attempt = 0; attempt < 2; attempt++) {
      const work = await pendingWork(client, id).catch((err: Error) => ({ error: err.message }));
      if (work === undefined) verdict = `${id}: not running`;
      else if ('error' in work) verdict = `${id}: ${work.error}`;
      else if (work.activities.length === 0 && work.timers === 0)
        verdict = `${id}: no pending activity or timer (${work.events} events${work.trouble ? `; ${work.trouble}` : ''})`;
      else {
        verdict = '';
        break;
      }
      await new Promise((r) => setTimeout(r, 3_000));
    }
    if (verdict) stuck.push(verdict);
  }
  return stuck;
}
