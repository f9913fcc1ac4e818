// Several Integrations at once on shared fake clusters, for dependency tests: each Integration runs under its real
// workflow id (dependents find their dependencies by it), in a namespace of its own per test, and each tool has
// its own FakeCluster per cluster (found by the tool namespace its activities are given).
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { Activities } from '../../../activities/index.js';
import type { DependencyRef, IntegrationSpec, IntegrationStatus } from '../../../shared/types.js';
import { integrationStatusQuery, workflowIds } from '../../../workflows/definitions.js';
import type { integrationWorkflow } from '../../../workflows/integration-workflow.js';
import { giveBackLocksOfClosed, historySummary } from './closed-workflow-locks.js';
import { fakeActivities, FakeCluster } from './fake-cluster.js';
import { argocdSpec, skipTime, workflowBundle } from './harness.js';

export interface Fleet {
  namespace: string;
  /** tool name -> cluster -> its fake. */
  fakes: Record<string, Record<string, FakeCluster>>;
  /** Install calls in order: `tool@cluster`. */
  installs: string[];
  spec(name: string, dependsOn?: string[], overrides?: Partial<IntegrationSpec>): IntegrationSpec;
  start(spec: IntegrationSpec): Promise<WorkflowHandle<typeof integrationWorkflow>>;
  handle(name: string): WorkflowHandle<typeof integrationWorkflow>;
  status(name: string): Promise<IntegrationStatus>;
  until(
    name: string,
    pred: (s: IntegrationStatus) => boolean,
    what: string,
    stepMs?: number,
  ): Promise<IntegrationStatus>;
  skip(ms: number): Promise<void>;
  /** Waits for a deleted Integration's result and for its lifecycles to end (then mends the test server's clock). */
  deleted(name: string): Promise<IntegrationStatus>;
}

/** Runs `body` with one worker for every tool in `tools` (tool name -> its clusters). */
export async function withFleet(
  env: TestWorkflowEnvironment,
  tools: string[],
  clusters: string[],
  body: (f: Fleet) => Promise<void>,
): Promise<void> {
  const namespace = `t-${randomUUID().slice(0, 8)}`;
  const taskQueue = `deps-${namespace}`;
  const fakes = Object.fromEntries(
    tools.map((tool) => [tool, Object.fromEntries(clusters.map((c) => [c, new FakeCluster()]))]),
  );
  const perTool = Object.fromEntries(tools.map((tool) => [tool, fakeActivities(env, fakes[tool] ?? {})]));
  const installs: string[] = [];
  // Each activity goes to the fakes of the tool whose namespace it names (tool namespace = tool name here).
  const route = (name: keyof Activities) => async (input: { namespace: string; cluster: string }) => {
    const fake = perTool[input.namespace] ?? (perTool[tools[0] as string] as (typeof perTool)[string]);
    if (name === 'installTool') installs.push(`${input.namespace}@${input.cluster}`);
    const fn = fake.activities[name] as (i: unknown) => Promise<unknown>;
    return fn(input);
  };
  const names: (keyof Activities)[] = [
    'preflightCluster',
    'observeTool',
    'installTool',
    'uninstallTool',
    'watchHealth',
    'probeTarget',
  ];
  const activities: Partial<Activities> = {
    ...(perTool[tools[0] as string]?.activities ?? {}),
    ...Object.fromEntries(names.map((n) => [n, route(n)])),
  };
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities,
    maxHeartbeatThrottleInterval: '20ms',
    defaultHeartbeatThrottleInterval: '20ms',
  });
  const started: IntegrationSpec[] = [];
  const handle = (name: string) =>
    env.client.workflow.getHandle<typeof integrationWorkflow>(workflowIds.integration(namespace, name));
  const status = (name: string) => handle(name).query(integrationStatusQuery);
  const skip = (ms: number) => skipTime(env, ms);
  const fleet: Fleet = {
    namespace,
    fakes,
    installs,
    spec(name, dependsOn = [], overrides = {}) {
      const refs: DependencyRef[] = dependsOn.map((d) => ({ name: d, namespace }));
      const base = argocdSpec({
        name,
        namespace,
        toolNamespace: name,
        targetClusters: clusters,
        gracePeriodMs: 60_000,
      });
      const install = base.install?.method === 'helm' ? { ...base.install, releaseName: name } : base.install;
      return { ...base, install, ...(refs.length > 0 ? { dependsOn: refs } : {}), ...overrides };
    },
    async start(spec) {
      started.push(spec);
      return env.client.workflow.start<typeof integrationWorkflow>('integrationWorkflow', {
        taskQueue,
        workflowId: workflowIds.integration(spec.namespace, spec.name),
        args: [{ spec }],
      });
    },
    handle,
    status,
    async until(name, pred, what, stepMs = 5_000) {
      let last: IntegrationStatus | undefined;
      for (let i = 0; i < 300; i++) {
        last = await status(name).catch(() => undefined);
        if (process.env.KSIT_DEBUG_FLEET)
          console.log(name, JSON.stringify(last?.clusters.map((c) => [c.phase, c.message])));
        if (last && pred(last)) return last;
        await skip(stepMs);
      }
      throw new Error(`timed out waiting for ${what}; last status of ${name}: ${JSON.stringify(last, null, 1)}`);
    },
    skip,
    async deleted(name) {
      const lifecycles = clusters.map((c) => workflowIds.cluster(namespace, name, c));
      const result = await handle(name)
        .result()
        .catch(async (err: unknown) => {
          const ids = [workflowIds.integration(namespace, name), ...lifecycles];
          const histories = await Promise.all(ids.map((id) => historySummary(env, id)));
          throw new Error(`${name} did not finish its delete: ${String(err)}\n${histories.join('\n')}`);
        });
      const fake = perTool[name];
      if (!fake) throw new Error(`no fakes for ${name}`);
      await giveBackLocksOfClosed(env, workflowIds.integration(namespace, name), lifecycles, fake);
      return result;
    },
  };
  await worker.runUntil(async () => {
    try {
      await body(fleet);
    } finally {
      for (const spec of started) {
        for (const cluster of clusters) {
          await env.client.workflow
            .getHandle(workflowIds.cluster(spec.namespace, spec.name, cluster))
            .terminate('test over')
            .catch(() => undefined);
        }
        await handle(spec.name)
          .terminate('test over')
          .catch(() => undefined);
      }
      await Promise.all(Object.values(perTool).map((f) => f.settle()));
    }
  });
}

export function clusterOf(s: IntegrationStatus, cluster: string) {
  return s.clusters.find((c) => c.cluster === cluster);
}
