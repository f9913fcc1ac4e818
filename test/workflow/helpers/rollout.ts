import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { HealthReport, IntegrationSpec, RolloutSpec } from '../../../shared/types.js';
import { integrationStatusQuery, updateSpecUpdate } from '../../../workflows/definitions.js';
import type { integrationWorkflow } from '../../../workflows/integration-workflow.js';
import { rolloutStatusQuery } from '../../../workflows/rollout/definitions.js';
import type { RolloutStatus } from '../../../workflows/rollout/status.js';
import { FakeCluster } from './fake-cluster.js';
import { argocdSpec, skipTime } from './harness.js';

export const MIN = 60_000;

/** A fake cluster that crashloops on the chart versions in `bad` (a release that never becomes ready). */
export class VersionedCluster extends FakeCluster {
  constructor(public bad: Set<string>) {
    super();
    this.installed = true;
    this.chartVersion = '1.0.0';
  }

  override report(): HealthReport {
    const wasHealthy = this.healthy;
    if (this.chartVersion && this.bad.has(this.chartVersion)) this.healthy = false;
    try {
      return super.report();
    } finally {
      this.healthy = wasHealthy;
    }
  }

  installs(): number {
    return this.calls.filter((c) => c === 'install').length;
  }
}

export function fleet(names: string[], bad: string[] = []): Record<string, VersionedCluster> {
  const badVersions = new Set(bad);
  return Object.fromEntries(names.map((n) => [n, new VersionedCluster(badVersions)]));
}

/** argocd on c1..c4 at chart `version`, health every 30 s, grace 1 m, with `rollout`. */
export function rolloutSpec(
  version: string,
  rollout?: RolloutSpec,
  extra: Partial<IntegrationSpec> = {},
): IntegrationSpec {
  const base = argocdSpec({ targetClusters: ['c1', 'c2', 'c3', 'c4'], gracePeriodMs: MIN, ...extra });
  const install = base.install?.method === 'helm' ? base.install : undefined;
  if (!install) throw new Error('argocdSpec has a helm install');
  return { ...base, install: { ...install, chart: { ...install.chart, version } }, ...(rollout ? { rollout } : {}) };
}

/** canary c1 (soak), staging c2+c3 (one at a time, optional approval), c4 left to the implicit last wave. */
export function threeWaves(
  opts: { soakMs?: number; approval?: boolean; onFailure?: 'rollback' | 'pause' } = {},
): RolloutSpec {
  return {
    waves: [
      { name: 'canary', clusters: ['c1'], soakMs: opts.soakMs ?? 0, manualApproval: false },
      {
        name: 'staging',
        clusters: ['c2', 'c3'],
        maxParallel: { count: 1 },
        soakMs: 0,
        manualApproval: !!opts.approval,
      },
    ],
    // Far above the few health intervals a change takes: workflow time runs ahead of a loaded machine.
    progressDeadlineMs: 20 * MIN,
    onFailure: opts.onFailure ?? 'rollback',
  };
}

export interface RolloutWatch {
  status(): Promise<RolloutStatus>;
  /** Steps workflow time until `pred` holds; remembers when each cluster first reported each revision Running. */
  until(pred: (s: RolloutStatus) => boolean, what: string, stepMs?: number): Promise<RolloutStatus>;
  apply(spec: IntegrationSpec): Promise<number | undefined>;
  /** Lets `ms` of workflow time pass (in 30 s steps, looking at the status after each). */
  pass(ms: number): Promise<RolloutStatus>;
  /** cluster@revision -> workflow time it was first seen Running there. */
  runningSince: Map<string, number>;
  states: Set<string>;
}

export function watchRollout(
  env: TestWorkflowEnvironment,
  handle: WorkflowHandle<typeof integrationWorkflow>,
): RolloutWatch {
  const runningSince = new Map<string, number>();
  const states = new Set<string>();
  const status = async () => {
    const s = await handle.query(rolloutStatusQuery);
    if (!s) throw new Error('no rollout status');
    states.add(s.state);
    const now = await env.currentTimeMs();
    for (const c of s.clusters) {
      const key = `${c.name}@${c.revision}`;
      if (c.phase === 'Running' && !runningSince.has(key)) runningSince.set(key, now);
    }
    return s;
  };
  return {
    status,
    runningSince,
    states,
    async until(pred, what, stepMs = 10_000) {
      let last: RolloutStatus | undefined;
      for (let i = 0; i < 300; i++) {
        last = await status();
        if (pred(last)) return last;
        await skipTime(env, stepMs);
      }
      const integration = await handle.query(integrationStatusQuery);
      const transitions = integration.clusters.map((c) => ({
        cluster: c.cluster,
        revision: c.revision,
        transitions: c.transitions,
      }));
      throw new Error(
        `timed out waiting for ${what}; last rollout status: ${JSON.stringify(last, null, 1)}; ` +
          `clusters: ${JSON.stringify(transitions, null, 1)}`,
      );
    },
    async pass(ms) {
      for (let t = 0; t < ms; t += 30_000) {
        await status();
        await skipTime(env, Math.min(30_000, ms - t));
      }
      return status();
    },
    async apply(spec) {
      const r = await handle.executeUpdate(updateSpecUpdate, { args: [spec, { by: 'tester' }] });
      return r.revision;
    },
  };
}

/** Workflow time of a cluster's first transition that `pred` accepts (e.g. Installing chart 2.0.0), or NaN. */
export async function transitionAt(
  handle: WorkflowHandle<typeof integrationWorkflow>,
  cluster: string,
  pred: (t: { phase: string; message: string }) => boolean,
  after = 0,
): Promise<number> {
  const s = await handle.query(integrationStatusQuery);
  const t = s.clusters
    .find((c) => c.cluster === cluster)
    ?.transitions.find((x) => pred(x) && Date.parse(x.at) >= after);
  return t ? Date.parse(t.at) : NaN;
}

export const installing = (version: string) => (t: { phase: string; message: string }) =>
  t.phase === 'Installing' && t.message.includes(`argo-cd ${version} `);

export const at = (s: RolloutStatus, cluster: string) => s.clusters.find((c) => c.name === cluster);
export const allAt = (s: RolloutStatus, revision: number, names = ['c1', 'c2', 'c3', 'c4']) =>
  names.every((n) => at(s, n)?.revision === revision && at(s, n)?.phase === 'Running');
