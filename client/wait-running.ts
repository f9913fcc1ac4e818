// `ksit apply --wait`: follows Integrations until every cluster is Running, printing each cluster's progress as
// it changes. Ends early when a cluster fails; the caller turns the outcome into an exit code.
import type { Client } from '@temporalio/client';
import type { IntegrationStatus } from '../shared/types.js';
import { integrationStatusQuery, workflowIds } from '../workflows/definitions.js';
import { paintPhase } from './output.js';

const POLL_EVERY_MS = 2_000;

export type WaitOutcome = 'running' | 'failed' | 'timeout';

export function isRunning(s: IntegrationStatus): boolean {
  return s.phase === 'Running' && s.clusters.length > 0 && s.clusters.every((c) => c.phase === 'Running');
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
    for (const s of statuses) {
      if (!s) continue;
      for (const c of s.clusters) {
        const line = `integration/${s.name} ${c.cluster}: ${paintPhase(c.phase)} ${c.message}`;
        const key = `${s.namespace}/${s.name}/${c.cluster}`;
        if (seen.get(key) !== line) print(line);
        seen.set(key, line);
        failed ||= c.phase === 'Failed';
      }
    }
    if (statuses.every((s) => s !== undefined && isRunning(s))) return 'running';
    if (failed) return 'failed';
    if (Date.now() >= deadline) return 'timeout';
    await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_EVERY_MS, Math.max(0, deadline - Date.now()))));
  }
}
