// What `ksit delete integration X --uninstall` says when dependents hold the uninstall back on some clusters: the
// workflow marks those clusters `uninstall held: still needed here by ...` right after the delete signal; the CLI
// looks for a few seconds and prints them, so the user knows why the command waits (and about --force).
import type { WorkflowHandle } from '@temporalio/client';
import { integrationStatusQuery } from '../workflows/definitions.js';

const LOOK_MS = 3_000;
const EVERY_MS = 500;

export async function reportHeldClusters(handle: WorkflowHandle, write: (line: string) => void): Promise<void> {
  const until = Date.now() + LOOK_MS;
  while (Date.now() < until) {
    let held: string[] = [];
    try {
      const status = await handle.query(integrationStatusQuery);
      held = status.clusters
        .filter((c) => c.message.startsWith('uninstall held'))
        .map((c) => `${c.cluster}: ${c.message}`);
    } catch {
      return; // Finished already (nothing held), or not answering: the wait for its result says the rest.
    }
    if (held.length > 0) {
      for (const line of held) write(`  ${line}\n`);
      write(
        '  waiting for those dependents to be deleted (ksit delete integration ... --uninstall --force does not wait)\n',
      );
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, EVERY_MS));
  }
}
