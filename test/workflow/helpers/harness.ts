import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { IntegrationSpec, IntegrationStatus } from '../../../shared/types.js';
import { integrationStatusQuery, workflowIds } from '../../../workflows/definitions.js';
import type { integrationWorkflow } from '../../../workflows/integration-workflow.js';
import { fakeActivities, type FakeCluster } from './fake-cluster.js';
import { workflowsPath } from './time-skipping.js';

let bundle: WorkflowBundleWithSourceMap | undefined;

/** Bundles the real workflows once per test file. */
export async function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= await bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') });
  return bundle;
}

export function argocdSpec(overrides: Partial<IntegrationSpec> = {}): IntegrationSpec {
  return {
    name: 'argocd',
    namespace: 'ksit-system',
    type: 'argocd',
    enabled: true,
    targetClusters: ['cluster-1'],
    install: {
      method: 'helm',
      chart: { repository: 'http://127.0.0.1:8879', chart: 'argo-cd', version: '5.51.6' },
      releaseName: 'argocd',
      values: {},
      setValues: [],
      timeoutMs: 600_000,
    },
    toolNamespace: 'argocd',
    healthCheckIntervalMs: 30_000,
    gracePeriodMs: 180_000,
    components: [{ kind: 'Deployment', name: 'argocd-repo-server' }],
    remediation: {},
    ...overrides,
  };
}

export interface Scenario {
  handle: WorkflowHandle<typeof integrationWorkflow>;
  status(): Promise<IntegrationStatus>;
  /** Advances workflow time in steps until `pred` holds for the status; fails with the last status. */
  until(pred: (s: IntegrationStatus) => boolean, what: string, stepMs?: number): Promise<IntegrationStatus>;
}

/** Runs `body` with a worker (real workflows, fake activities) and an Integration workflow started. */
export async function withIntegration(
  env: TestWorkflowEnvironment,
  clusters: Record<string, FakeCluster>,
  spec: IntegrationSpec,
  body: (s: Scenario) => Promise<void>,
  options: { historyLimit?: number } = {},
): Promise<void> {
  const taskQueue = `test-${randomUUID()}`;
  const fakes = fakeActivities(env, clusters);
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: fakes.activities,
    // Cancels (pause, delete) reach an activity with its heartbeat response; do not let the SDK batch them long.
    maxHeartbeatThrottleInterval: '20ms',
    defaultHeartbeatThrottleInterval: '20ms',
  });
  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start<typeof integrationWorkflow>('integrationWorkflow', {
      taskQueue,
      workflowId: `integration/${spec.namespace}/${spec.name}/${taskQueue}`,
      args: [{ spec, historyLimit: options.historyLimit }],
    });
    const status = () => handle.query(integrationStatusQuery);
    const until = async (pred: (s: IntegrationStatus) => boolean, what: string, stepMs = 5_000) => {
      let last: IntegrationStatus | undefined;
      for (let i = 0; i < 400; i++) {
        last = await status();
        if (pred(last)) return last;
        await skipTime(env, stepMs);
      }
      throw new Error(`timed out waiting for ${what}; last status: ${JSON.stringify(last, null, 1)}`);
    };
    try {
      await body({ handle, status, until });
    } finally {
      // Lifecycles outlive their parent by design (ABANDON); end them so the next test starts clean.
      for (const cluster of Object.keys(clusters)) {
        const id = workflowIds.cluster(spec.namespace, spec.name, cluster);
        await env.client.workflow
          .getHandle(id)
          .terminate('test over')
          .catch(() => undefined);
      }
      await handle.terminate('test over').catch(() => undefined);
      await fakes.settle();
    }
  });
}

/**
 * Advances the test server's clock by `ms`. Fake activities hold a time-skipping lock of their own while awake
 * (activity-clock.ts), so the clock stops at each of their naps until they have checked and heartbeated.
 */
export async function skipTime(env: TestWorkflowEnvironment, ms: number): Promise<void> {
  await env.sleep(ms);
}

export function phaseOf(s: IntegrationStatus, cluster: string): string | undefined {
  return s.clusters.find((c) => c.cluster === cluster)?.phase;
}
