// "No workflow is stuck": a running lifecycle must be waiting on something that will wake it, i.e. a pending
// activity (the health watch, a retry) or a started timer that has not fired. One waiting on neither would sleep
// forever unless a signal came.
import type { Client } from '@temporalio/client';

async function timersPending(client: Client, workflowId: string): Promise<number> {
  const open = new Set<string>();
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  for (const event of history.events ?? []) {
    const started = event.timerStartedEventAttributes?.timerId;
    if (started) open.add(started);
    const done = event.timerFiredEventAttributes?.timerId ?? event.timerCanceledEventAttributes?.timerId;
    if (done) open.delete(done);
  }
  return open.size;
}

/** What one running workflow waits on, or undefined when it is closed. */
export async function pendingWork(
  client: Client,
  workflowId: string,
): Promise<{ activities: string[]; timers: number } | undefined> {
  const description = await client.workflow.getHandle(workflowId).describe();
  if (description.status.name !== 'RUNNING') return undefined;
  const activities = (description.raw.pendingActivities ?? []).map((a) => a.activityType?.name ?? '?');
  return { activities, timers: await timersPending(client, workflowId) };
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
      else if (work.activities.length === 0 && work.timers === 0) verdict = `${id}: no pending activity or timer`;
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
