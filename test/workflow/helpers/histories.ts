import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import type { TestWorkflowEnvironment } from '@temporalio/testing';

/** Where recorded histories live in the source tree (not dist/), for the replay test. */
export const historiesDir = join(new URL('.', import.meta.url).pathname, '../../../../test/workflow/histories');

/**
 * With KSIT_RECORD_HISTORIES=1, saves a workflow's history as a fixture for the replay test, so later changes
 * to workflow code are checked against what earlier code really recorded.
 */
export async function saveHistory(env: TestWorkflowEnvironment, workflowId: string, name: string): Promise<void> {
  if (process.env.KSIT_RECORD_HISTORIES !== '1') return;
  const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
  mkdirSync(historiesDir, { recursive: true });
  writeFileSync(join(historiesDir, `${name}.json`), historyToJSON(history));
}
