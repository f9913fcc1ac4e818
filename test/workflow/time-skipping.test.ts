import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createTimeSkippingEnv, teardownTimeSkippingEnv } from './helpers/time-skipping.js';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
}, 60_000);
afterAll(async () => {
  await teardownTimeSkippingEnv(env);
});

test('a 10-minute timer completes in seconds on the time-skipping server', async () => {
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: 'timer',
    workflowsPath: new URL('./fixtures/timer-workflow.js', import.meta.url).pathname,
  });
  const started = Date.now();
  const result = await worker.runUntil(
    env.client.workflow.execute('tenMinuteTimerWorkflow', { taskQueue: 'timer', workflowId: 'timer-1' }),
  );
  const elapsed = Date.now() - started;
  expect(result).toBe('done');
  // Bundling takes a couple of seconds; ten real minutes would blow far past this.
  expect(elapsed).toBeLessThan(60_000);
}, 120_000);
