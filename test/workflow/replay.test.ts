import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@jest/globals';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from './helpers/harness.js';
import { historiesDir } from './helpers/histories.js';

// Histories recorded from real runs of the workflows (KSIT_RECORD_HISTORIES=1 with the workflow tests). Replaying
// them against today's code catches a change that would break workflows already running in production.
const files = readdirSync(historiesDir).filter((f) => f.endsWith('.json'));

test('recorded histories exist', () => {
  expect(files.length).toBeGreaterThanOrEqual(2);
});

test.each(files)(
  'replays %s without nondeterminism',
  async (file) => {
    const history = historyFromJSON(JSON.parse(readFileSync(join(historiesDir, file), 'utf8')));
    await expect(
      Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, file.replace(/\.json$/, '')),
    ).resolves.toBeUndefined();
  },
  120_000,
);
