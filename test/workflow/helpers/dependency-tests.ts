import { afterEach, beforeAll, beforeEach } from '@jest/globals';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { IntegrationStatus } from '../../../shared/types.js';
import { clusterOf } from './fleet.js';
import { workflowBundle } from './harness.js';
import { createTimeSkippingEnv, teardownTimeSkippingEnv } from './time-skipping.js';

/**
 * A test server of its own for each test: several Integrations per test end by terminate, and a time-skipping
 * lock that one test's leftovers keep would make the next test's clock run in real time. Returns the current one.
 */
export function testServerPerTest(): () => TestWorkflowEnvironment {
  let env: TestWorkflowEnvironment | undefined;
  beforeAll(async () => {
    await workflowBundle(); // bundled once here, so no test's time limit pays for webpack on a busy machine
  }, 600_000);
  beforeEach(async () => {
    env = await createTimeSkippingEnv();
  }, 120_000);
  afterEach(async () => {
    await teardownTimeSkippingEnv(env);
  });
  return () => {
    if (!env) throw new Error('no test server outside a test');
    return env;
  };
}

export const DEPENDENCY_TEST_TIMEOUT = 300_000;
export const phase = (s: IntegrationStatus, c = 'cluster-1') => clusterOf(s, c)?.phase;
export const message = (s: IntegrationStatus, c = 'cluster-1') => clusterOf(s, c)?.message ?? '';
