// Statuses read from memos are what the workflows last wrote; they are only as fresh as the workers behind them.
// One DescribeTaskQueue per task queue tells whether any worker is polling it, so a listing from memos can say
// when nothing is keeping it true (the query-based listing learnt that from a query timing out).
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';

/** A worker long-polls for up to about 70 s; older than this, it counts as gone. */
const POLLER_FRESH_MS = 2 * 60_000;

/** The task queues (of those given) on which no worker has polled for workflow tasks recently. */
export async function queuesWithoutWorkers(client: Client, queues: Iterable<string>): Promise<Set<string>> {
  const idle = new Set<string>();
  await Promise.all(
    [...new Set(queues)].map(async (name) => {
      try {
        const res = await client.workflowService.describeTaskQueue({
          namespace: client.options.namespace,
          taskQueue: { name },
          taskQueueType: proto.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
        });
        const now = Date.now();
        const fresh = (res.pollers ?? []).some((p) => {
          const at = p.lastAccessTime;
          return at ? now - Number(at.seconds ?? 0) * 1000 < POLLER_FRESH_MS : false;
        });
        if (!fresh) idle.add(name);
      } catch {
        // Could not tell: say nothing rather than cry wolf.
      }
    }),
  );
  return idle;
}

export function noWorkerNote(queue: string): string {
  return `no ksit worker is polling task queue ${queue}: this status may be out of date`;
}
