// The latest check of each running health watch, read from the watch activity's heartbeat details (describe of the
// cluster lifecycle workflow). The watch writes history only when what it sees changes; its heartbeats carry every
// check, so `describe` and `get -o json` show the latest check without a history event per unchanged check.
import type { Client } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow/index.js';
import { freshen, type LiveCheck } from '../shared/lifecycle/live-check.js';
import type { ClusterStatus, IntegrationStatus } from '../shared/types.js';
import { workflowIds } from '../workflows/definitions.js';

const DESCRIBE_TIMEOUT_MS = 5_000;

/** The running watch's latest check for one cluster lifecycle, or undefined (no watch running, or no answer). */
export async function liveCheck(client: Client, workflowId: string): Promise<LiveCheck | undefined> {
  try {
    const description = await client.withDeadline(Date.now() + DESCRIBE_TIMEOUT_MS, () =>
      client.workflow.getHandle(workflowId).describe(),
    );
    const watch = description.raw.pendingActivities?.find((a) => a.activityType?.name === 'watchHealth');
    const payloads = watch?.heartbeatDetails?.payloads;
    if (!payloads?.length) return undefined;
    const converter = client.options.loadedDataConverter;
    return await decodeFromPayloadsAtIndex<LiveCheck>(converter, 0, payloads);
  } catch {
    // Status without the live part is still right, only older: never fail a listing for it.
    return undefined;
  }
}

/** The Integration's clusters, each with its running watch's latest check folded in. */
export async function withLiveChecks(client: Client, status: IntegrationStatus): Promise<IntegrationStatus> {
  const clusters: ClusterStatus[] = await Promise.all(
    status.clusters.map(async (c) =>
      freshen(c, await liveCheck(client, workflowIds.cluster(status.namespace, status.name, c.cluster))),
    ),
  );
  return { ...status, clusters };
}
