import {
  CancellationScope,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  patched,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { ClusterStatus, IntegrationSpec, TargetSpec } from '../shared/types.js';
import {
  clusterDeleteSignal,
  clusterPauseSignal,
  clusterReinstallSignal,
  clusterSpecSignal,
  clusterStatusQuery,
  clusterStatusSignal,
} from './definitions.js';
import { linkDependencies } from './dependencies/dependent-link.js';
import { specDigest } from './dependencies/spec-digest.js';
import { onSpecChanged } from './lifecycle/fold-results.js';
import { isHeld, nextStep } from './lifecycle/next-step.js';
import { perform } from './lifecycle/perform.js';
import { MAX_HISTORY_EVENTS } from './lifecycle/policy.js';
import { applyStep } from './lifecycle/status.js';
import type { LifecycleState, Observation, Step } from './lifecycle/types.js';
import { KsitCluster, KsitIntegration, KsitKind, KsitPhase, KsitType } from './search-attributes.js';

/** State that survives continue-as-new (see lifecycle/types.ts). */
export type ClusterLifecycleState = LifecycleState;

export interface ClusterLifecycleInput {
  integrationWorkflowId: string;
  spec: IntegrationSpec;
  target: TargetSpec;
  paused?: boolean;
  /** The revision of `spec` (workflows/rollout/revisions.ts); every status reports the revision it was seen at. */
  revision?: number;
  state?: ClusterLifecycleState;
  /** Continue-as-new after this many history events (default 2,000); tests lower it. */
  historyLimit?: number;
}

/**
 * One Integration on one cluster, for as long as the Integration lives: observe -> decide -> do. Every decision
 * (preflight, install, recover, watch, which phase to show) is made by nextStep() in lifecycle/; this loop only
 * performs the chosen action, shows the chosen status, and takes signals from the Integration (pause, resume,
 * reinstall, a new spec, delete), each of which interrupts the running action.
 */
export async function clusterLifecycleWorkflow(input: ClusterLifecycleInput): Promise<ClusterStatus> {
  let spec = input.spec;
  const { target } = input;
  const cluster = target.name;
  let s: LifecycleState = input.state ?? {
    status: { cluster, phase: 'Pending', message: 'waiting for preflight', components: [], transitions: [] },
    stage: 'preflight',
    paused: input.paused ?? false,
    reinstallRequested: false,
    revision: input.revision,
  };
  let current: CancellationScope | undefined;
  // A signal can arrive between two steps, while the status goes out; it must still interrupt the action decided
  // before it, or a wait with no end (a held uninstall, a dependency gate) would never hear of it.
  let interruptPending = false;
  const interrupt = () => {
    if (current) current.cancel();
    else interruptPending = true;
  };
  let doing = '';
  const withDependencies = patched('ksit-dependencies');
  const rules = { monitorOnlyWatchesAfterPreflight: patched('ksit-monitor-only-watches-after-preflight') };
  // spec.dependsOn: reports from dependencies become gates; a change interrupts only a wait or a watch, never an install.
  const dependencies = linkDependencies({
    cluster,
    workflowId: workflowInfo().workflowId,
    spec: () => spec,
    state: () => s,
    changed: () => (doing === 'wait' || doing === 'watch' ? interrupt() : undefined),
  });

  setHandler(clusterStatusQuery, () => s.status);
  setHandler(clusterSpecSignal, (next, revision) => {
    // The same revision sent again (a resent signal, an adopted lifecycle) must not start a second install.
    if (revision !== undefined && revision === s.revision && JSON.stringify(next) === JSON.stringify(spec)) return;
    s = onSpecChanged(s, spec, next);
    spec = next;
    dependencies.specChanged();
    if (revision !== undefined) {
      s.revision = revision;
      // A status at the new revision must come from a check made after the change: the watch reports at once.
      s.lastSignature = undefined;
    }
    interrupt();
  });
  setHandler(clusterPauseSignal, (paused) => {
    s.paused = paused;
    interrupt();
  });
  setHandler(clusterReinstallSignal, () => {
    s.reinstallRequested = true;
    interrupt();
  });
  setHandler(clusterDeleteSignal, (req) => {
    s.deleteRequest = req;
    interrupt();
  });

  const parent = getExternalWorkflowHandle(input.integrationWorkflowId);
  async function show(step: Step, seen: Observation): Promise<void> {
    const update = applyStep(s.status, step, seen.at);
    // A status counts for a new revision only once something happened after the change: a transition, or a health
    // check (then it is sent even when phase and message stay the same). A phase carried over unlooked-at does not.
    const newRevision = update.status.revision !== s.revision && (update.changed || seen.kind === 'watched');
    s.status = newRevision ? { ...update.status, revision: s.revision } : update.status;
    // Runs recorded before dependencies existed send no extra status signals on replay.
    const dependencyFieldsChanged = withDependencies && dependencies.decorate(s.status);
    if (!update.changed && !newRevision && !dependencyFieldsChanged) return;
    if (update.changed) {
      log.info('phase transition', {
        integration: `${spec.namespace}/${spec.name}`,
        cluster,
        from: update.from,
        to: step.phase,
        reason: step.reason ?? step.message,
      });
      upsertSearchAttributes([{ key: KsitPhase, value: step.phase }]);
    }
    try {
      await parent.signal(clusterStatusSignal, s.status);
    } catch {
      // The Integration may be gone (deleted or terminated); this lifecycle's own state is still right.
    }
  }

  async function interruptible<T>(fn: () => Promise<T>): Promise<T | undefined> {
    // Runs recorded before this check replay as they ran (the marker is written only when it changes something).
    if (interruptPending && patched('ksit-interrupt-between-steps')) {
      interruptPending = false;
      return undefined;
    }
    current = new CancellationScope();
    try {
      return await current.run(fn);
    } catch (err) {
      if (isCancellation(err)) return undefined;
      throw err;
    } finally {
      current = undefined;
    }
  }
  const ctx = { target, spec: () => spec, state: () => s, interruptible };

  upsertSearchAttributes([
    { key: KsitKind, value: 'cluster' },
    { key: KsitIntegration, value: `${spec.namespace}/${spec.name}` },
    { key: KsitType, value: spec.type },
    { key: KsitCluster, value: cluster },
  ]);

  const linking = dependencies.run();
  let obs: Observation = { kind: 'woke', at: Date.now() };
  for (;;) {
    // Continue-as-new only between steps that would start work (never inside a wait), carrying the state.
    const info = workflowInfo();
    const longHistory = info.continueAsNewSuggested || info.historyLength > (input.historyLimit ?? MAX_HISTORY_EVENTS);
    if (obs.kind === 'woke' && longHistory && !s.deleteRequest && !isHeld(s, spec)) {
      await condition(() => true);
      return continueAsNew<typeof clusterLifecycleWorkflow>({ ...input, spec, state: s });
    }
    // This decision sees every signal so far; only later ones interrupt what it chooses.
    interruptPending = false;
    const step = dependencies.annotate(nextStep(s, obs, spec, rules));
    s = step.state;
    doing = step.action.kind;
    await show(step, obs);
    if (step.action.kind === 'end') {
      await dependencies.leave();
      await linking;
      return s.status;
    }
    const digest = specDigest(spec);
    obs = await perform(ctx, step.action);
    doing = '';
    dependencies.observed(obs, digest);
  }
}
