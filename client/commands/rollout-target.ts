// What every `ksit rollout VERB NAME` shares: the Integration's name and namespace, its running workflow, and
// the rollout updates' failures turned into one line the user can act on.
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { KsitError, UsageError } from '../errors.js';
import { DEFAULT_NAMESPACE, runningHandle } from '../status-list.js';
import { connectTemporal } from '../temporal.js';

export interface RolloutTarget {
  client: Client;
  handle: Awaited<ReturnType<typeof runningHandle>>;
  name: string;
  namespace: string;
}

export async function rolloutTarget(
  verb: string,
  name: string | undefined,
  namespace: string | undefined,
  usage: string,
): Promise<RolloutTarget> {
  if (!name || name.startsWith('-')) throw new UsageError(`rollout ${verb} needs an Integration NAME`, usage);
  const ns = namespace ?? DEFAULT_NAMESPACE;
  const client = await connectTemporal();
  const handle = await runningHandle(client, 'integration', ns, name);
  return { client, handle, name, namespace: ns };
}

/** Runs a rollout update; the workflow's refusal ("nothing waits for approval") becomes the error message. */
export async function rolloutUpdate<T>(verb: string, t: RolloutTarget, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) {
      throw new KsitError(
        `cannot ${verb} the rollout of ${t.namespace}/${t.name}: ${err.cause?.message ?? err.message}`,
      );
    }
    throw err;
  }
}
