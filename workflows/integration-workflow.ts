import { condition, continueAsNew, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import { aggregatePhase } from '../shared/phases.js';
import { specUpdateProblems } from '../shared/spec-invariants.js';
import type { ClusterStatus, IntegrationSpec, IntegrationStatus } from '../shared/types.js';
import {
  clusterDeleteSignal,
  clusterSpecSignal,
  clusterStatusSignal,
  deleteSignal,
  type DeleteRequest,
  integrationSpecQuery,
  integrationStatusQuery,
  refreshTargetsSignal,
  updateSpecUpdate,
} from './definitions.js';
import { createDependencyHub } from './dependencies/hub.js';
import { removeClusters } from './dependencies/remove.js';
import type { DependencyHubMemory } from './dependencies/types.js';
import { lifecycleOf, registerClusterCommands } from './integration/cluster-commands.js';
import { createPublisher, publishIdentity } from './integration/publish.js';
import { nextResolveMs, RESOLVE_EVERY_MS, RESOLVE_EVERY_MS_BEFORE_PATCH } from './integration/resolve-timing.js';
import { reconcileTargets } from './integration/targets.js';
import { createRolloutDriver, type RolloutMemory } from './rollout/run-rollout.js';

const MAX_HISTORY_EVENTS = 5_000;
/** How long a delete waits for its clusters to finish (uninstalls included) before giving up on them. */
const DELETE_WAIT_MS = 15 * 60 * 1000;

export interface IntegrationState extends DependencyHubMemory, RolloutMemory {
  clusters: Record<string, ClusterStatus>;
  /** Target name -> the lifecycle workflow watching it. */
  children: Record<string, string>;
  missing: string[];
  paused: boolean;
  createdAt?: string;
}

export interface IntegrationInput {
  spec: IntegrationSpec;
  state?: IntegrationState;
  /** Who applied the spec (revision 1's author). */
  by?: string;
  /** Continue-as-new after this many history events (default 5,000; lifecycles 2,000); tests lower it. */
  historyLimit?: number;
}

/**
 * One Integration: resolves its target clusters, runs one lifecycle per cluster (child workflows that outlive
 * this run's continue-as-new), aggregates their status, and takes spec updates and pause / resume / reinstall /
 * delete. Children report transitions by signal, so status queries never touch a cluster.
 */
export async function integrationWorkflow(input: IntegrationInput): Promise<IntegrationStatus> {
  let spec = input.spec;
  const st: IntegrationState = input.state ?? { clusters: {}, children: {}, missing: [], paused: false };
  st.createdAt ??= new Date().toISOString();
  let resolveNow = true;
  let missingChecks = 0;
  let deleteRequest: DeleteRequest | undefined;
  // `ksit get` reads the fleet from this memo (one visibility list); runs recorded before it replay without it.
  const listingMemo = patched('ksit-listing-memo');
  // Dependents (spec.dependsOn of other Integrations) hear from this one when it changes on their cluster.
  const hub = createDependencyHub(st, {
    spec: () => spec,
    clusters: () => st.clusters,
    children: () => st.children,
    missing: () => st.missing,
    deleting: () => deleteRequest !== undefined,
  });
  let resolveAt: number | undefined;
  // Runs recorded before rollouts existed replay the loop they were recorded with (no rollout steps or wake-ups).
  const withRollouts = patched('ksit-rollouts');
  // Whether a timeout means "resolve now" follows from what its timer was set for, not from reading the clock once it
  // fired: in a soak, a run read the previous workflow task's time there (so "not yet", another timer) while its
  // replay read the right one ("resolve"), and the Integration failed on nondeterminism (BENCHMARKS.md, soak).
  const resolveByTimer = patched('ksit-resolve-timer');
  const resolveEveryMs = resolveByTimer ? RESOLVE_EVERY_MS : RESOLVE_EVERY_MS_BEFORE_PATCH;

  const status = (): IntegrationStatus => {
    const clusters = Object.values(st.clusters).sort((a, b) => a.cluster.localeCompare(b.cluster));
    const { phase, message } = aggregatePhase(clusters, st.missing);
    const { name, namespace, type } = spec;
    const dependents = hub.summary();
    const rollout = rollouts.summary();
    const dependsOn = spec.dependsOn?.map((d) => `${d.namespace}/${d.name}`);
    return {
      ...{ name, namespace, type, phase, message, paused: st.paused, clusters, createdAt: st.createdAt, rollout },
      ...(dependsOn ? { dependsOn } : {}),
      ...(dependents ? { dependents } : {}),
    };
  };
  // Revisions and wave-by-wave rollouts of spec changes: workflows/rollout/.
  const rollouts = createRolloutDriver(st, {
    spec: () => spec,
    children: () => st.children,
    clusters: () => st.clusters,
  });
  if (!st.revisions?.length) rollouts.accept(spec, { by: input.by }, 'created');
  const child = (cluster: string) => lifecycleOf({ spec: () => spec, children: () => st.children }, cluster);
  const published = createPublisher(status, () => Object.keys(st.children).sort(), listingMemo);

  setHandler(integrationStatusQuery, status);
  setHandler(integrationSpecQuery, () => spec);
  setHandler(clusterStatusSignal, (s) => {
    if (s.removed) delete st.children[s.cluster];
    st.clusters[s.cluster] = s;
  });
  setHandler(
    updateSpecUpdate,
    async (next, meta) => {
      const changed = JSON.stringify(next) !== JSON.stringify(spec);
      if (!changed) return { changed };
      spec = next;
      resolveNow = true;
      // The main loop sends the new revision to the clusters, all at once or wave by wave (spec.rollout).
      const revision = rollouts.accept(next, meta ?? {}, 'spec changed');
      if (!withRollouts)
        await Promise.all(Object.keys(st.children).map((c) => child(c).signal(clusterSpecSignal, next)));
      return { changed, revision };
    },
    {
      validator: (...[next]: [IntegrationSpec, { by?: string }?]) => {
        const problems = [...specUpdateProblems(spec, next), ...rollouts.planProblems(next)];
        if (problems.length > 0) throw new Error(`invalid spec: ${problems.join('; ')}`);
      },
    },
  );
  registerClusterCommands({
    spec: () => spec,
    children: () => st.children,
    setPaused: (paused) => {
      st.paused = paused;
    },
  });
  setHandler(refreshTargetsSignal, () => {
    resolveNow = true;
  });
  setHandler(deleteSignal, (req) => {
    deleteRequest = req;
  });

  publishIdentity(spec);

  for (;;) {
    if (resolveNow) {
      resolveNow = false;
      await reconcileTargets(st, spec, input.historyLimit, rollouts.assign);
      hub.targetsResolved();
      // A target applied together with this Integration can take a moment to show in Temporal's visibility, so a
      // missing one is looked for again soon (5 s, doubling), not only at the next periodic resolve.
      missingChecks = st.missing.length > 0 ? missingChecks + 1 : 0;
    }
    const rolloutWakeAt = withRollouts ? await rollouts.drive() : undefined;
    published.publish();
    await hub.flush();
    const resolveInMs = nextResolveMs(missingChecks, resolveEveryMs);
    resolveAt = withRollouts ? (resolveAt ?? Date.now() + resolveInMs) : Date.now() + resolveInMs;
    const waitMs = Math.max(1, Math.min(resolveAt, rolloutWakeAt ?? Infinity) - Date.now());
    const timerIsForResolve = resolveAt <= (rolloutWakeAt ?? Infinity);
    const woke = await condition(
      () =>
        resolveNow ||
        deleteRequest !== undefined ||
        published.changed() ||
        hub.dirty() ||
        (withRollouts && rollouts.wantsStep()),
      waitMs,
    );
    const resolveDue = resolveByTimer ? timerIsForResolve : !withRollouts || Date.now() >= resolveAt;
    if (!woke && resolveDue) resolveNow = true;
    if (resolveNow) resolveAt = undefined;
    if (deleteRequest) return remove(deleteRequest);
    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength > (input.historyLimit ?? MAX_HISTORY_EVENTS)) {
      await condition(() => true);
      return continueAsNew<typeof integrationWorkflow>({ ...input, spec, state: st });
    }
  }

  async function remove(req: DeleteRequest): Promise<IntegrationStatus> {
    // Reverse dependency order: see dependencies/remove.ts.
    await removeClusters({
      hub,
      children: () => st.children,
      request: () => deleteRequest ?? req,
      send: (cluster, request) => child(cluster).signal(clusterDeleteSignal, request),
      waitMs: DELETE_WAIT_MS,
    });
    return status();
  }
}
