// `ksit apply --wait`: follows Integrations until every cluster is Running, printing each cluster's progress as
// it changes. Ends early when a cluster fails; the caller turns the outcome into an exit code.
import type { Client } from '@temporalio/client';
import type { IntegrationStatus } from '../shared/types.js';
import { integrationStatusQuery, workflowIds } from '../workflows/definitions.js';
import { sleepUntilNextPoll } from './deadlines.js';
import { paintPhase } from './output.js';

const POLL_EVERY_MS = 2_000;

export type WaitOutcome = 'running' | 'failed' | 'timeout';

export function isRunning(status: IntegrationStatus): boolean {
  return (
    status.phase === 'Running' && status.clusters.length > 0 && status.clusters.every((c) => c.phase === 'Running')
  );
}

export async function waitUntilRunning(
  client: Client,
  integrations: { namespace: string; name: string }[],
  timeoutMs: number,
  print: (line: string) => void,
): Promise<WaitOutcome> {
  const deadline = Date.now() + timeoutMs;
  const seen = new Map<string, string>();
  for (;;) {
    const statuses = await Promise.all(
      integrations.map(({ namespace, name }) =>
        client.workflow
          .getHandle(workflowIds.integration(namespace, name))
          .query(integrationStatusQuery)
          .catch(() => undefined),
      ),
    );
    let failed = false;
    for (const status of statuses) {
      if (!status) continue;
      for (const c of status.clusters) {
        const line = `integration/${status.name} ${c.cluster}: ${paintPhase(c.phase)} ${c.message}`;
        const key = `${status.namespace}/${status.name}/${c.cluster}`;
        if (seen.get(key) !== line) print(line);
        seen.set(key, line);
        failed ||= c.phase === 'Failed';
      }
    }
    if (statuses.every((status) => status !== undefined && isRunning(status))) return 'running';
    if (failed) return 'failed';
    if (Date.now() >= deadline) return 'timeout';
    await sleepUntilNextPoll(POLL_EVERY_MS, deadline);
  }
}
