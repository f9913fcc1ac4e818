// Performs the rollout for the Integration workflow: keeps the revisions, answers the rollout queries and updates,
// and carries out what decideRollout says (send revision N to cluster C). All decisions are in the pure modules
// beside this one; this file only observes (the clusters' last reports), decides (one call) and does (signals).
import { getExternalWorkflowHandle, patched, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { ClusterStatus, IntegrationSpec } from '../../shared/types.js';
import { clusterSpecSignal } from '../definitions.js';
import { KsitRolloutState, KsitRolloutWave } from '../search-attributes.js';
import { applyRolloutCommand, undoTarget } from './commands.js';
import { decideRollout, type RolloutStep } from './decide.js';
import { rolloutCommandUpdate, rolloutHistoryQuery, rolloutStatusQuery, rolloutUndoUpdate } from './definitions.js';
import { allAtOnce, planWaves, type WavePlan } from './plan-waves.js';
import { addRevision, findRevision, historyOf, type Revision, type RevisionMeta } from './revisions.js';
import { settingsOf, startRollout, stableRevision, type ClusterView, type RolloutState } from './state.js';
import { rolloutStatus, type RolloutStatus } from './status.js';

/** What the Integration keeps for its rollouts (part of its state, so it survives continue-as-new). */
export interface RolloutMemory {
  rollout?: RolloutState;
  revisions?: Revision[];
  /** Target name -> its labels, from the last resolve: waves select on them. */
  targetLabels?: Record<string, Record<string, string>>;
}

export interface RolloutHost {
  /** The latest accepted spec: its `rollout` says how every change (and undo) moves. */
  spec(): IntegrationSpec;
  /** Target name -> lifecycle workflow id. */
  children(): Record<string, string>;
  clusters(): Record<string, ClusterStatus>;
}

export function createRolloutDriver(mem: RolloutMemory, host: RolloutHost) {
  let published = '';

  const planOf = (spec: IntegrationSpec): WavePlan => {
    const names = Object.keys(host.children()).sort();
    if (!mem.rollout || mem.rollout.mode === 'all')
      return { waves: names.length ? [allAtOnce(names)] : [], problems: [] };
    return planWaves(
      spec.rollout,
      names.map((name) => ({ name, labels: mem.targetLabels?.[name] ?? {} })),
    );
  };
  const views = (): Record<string, ClusterView> => {
    const out: Record<string, ClusterView> = {};
    for (const [name, c] of Object.entries(host.clusters())) {
      if (!host.children()[name]) continue;
      out[name] = { phase: c.phase, message: c.message, ...(c.revision !== undefined ? { revision: c.revision } : {}) };
    }
    return out;
  };
  const specOf = (revision: number) => findRevision(mem.revisions ?? [], revision)?.spec ?? host.spec();

  /** The next step, computed without changing anything: the main loop's wake-up test and `drive` share it. */
  const compute = (): RolloutStep | undefined => {
    const r = mem.rollout;
    if (!r) return undefined;
    const plan = planOf(host.spec());
    if (plan.problems.length > 0) {
      // A target relabelled into two waves: hold (send nothing) until its labels or the spec are fixed.
      return { state: { ...r, message: `held: ${plan.problems.join('; ')}` }, send: [] };
    }
    return decideRollout(r, plan.waves, views(), Date.now());
  };

  const status = (): RolloutStatus | null =>
    mem.rollout ? rolloutStatus(host.spec().name, mem.rollout, planOf(host.spec()).waves, views()) : null;

  const pinned = (): number[] => {
    const r = mem.rollout;
    const sent = Object.values(r?.sent ?? {}).map((s) => s.revision);
    return [...new Set([stableRevision(r), r?.revision ?? 0, ...sent])];
  };

  /** Records `spec` as the next revision and starts its rollout (superseding a running one). */
  function accept(spec: IntegrationSpec, meta: RevisionMeta, why: string): number {
    const at = new Date().toISOString();
    const { revisions, revision } = addRevision(mem.revisions ?? [], spec, meta, at, pinned());
    mem.revisions = revisions;
    mem.rollout = startRollout(mem.rollout, revision, settingsOf(spec), Date.now(), `${why} (revision ${revision})`);
    return revision;
  }

  setHandler(rolloutStatusQuery, status);
  setHandler(rolloutHistoryQuery, () => ({
    revisions: historyOf(mem.revisions ?? []),
    current: mem.rollout?.revision ?? 0,
  }));
  setHandler(
    rolloutCommandUpdate,
    (req) => {
      const result = applyRolloutCommand(mem.rollout, req.command, Date.now(), req.by);
      if ('state' in result) mem.rollout = result.state;
      return status() as RolloutStatus;
    },
    {
      validator: (req) => {
        const result = applyRolloutCommand(mem.rollout, req?.command, Date.now(), req?.by);
        if ('problem' in result) throw new Error(result.problem);
      },
    },
  );
  setHandler(
    rolloutUndoUpdate,
    (req) => {
      const to = undoTarget(mem.rollout, mem.revisions ?? [], req.toRevision);
      mem.rollout = startRollout(
        mem.rollout,
        to,
        settingsOf(host.spec()),
        Date.now(),
        `undo to revision ${to} by ${req.by || 'unknown'}`,
      );
      return status() as RolloutStatus;
    },
    { validator: (req) => void undoTarget(mem.rollout, mem.revisions ?? [], req?.toRevision) },
  );

  return {
    accept,
    status,
    /** Problems that make `next` unusable with the targets known now (a cluster matched by two waves). */
    planProblems(next: IntegrationSpec): string[] {
      if (!next?.rollout) return [];
      const names = Object.keys(host.children());
      return planWaves(
        next.rollout,
        names.map((name) => ({ name, labels: mem.targetLabels?.[name] ?? {} })),
      ).problems;
    },
    /** The revision (and its spec) a lifecycle starts with; recorded as sent. */
    assign(cluster: string): { revision: number; spec: IntegrationSpec } {
      const r = mem.rollout;
      if (!r) return { revision: 0, spec: host.spec() };
      const revision = r.mode === 'all' || r.phase === 'Complete' ? r.revision : stableRevision(r) || r.revision;
      r.sent[cluster] = { revision, at: Date.now() };
      r.since[cluster] = Date.now();
      return { revision, spec: specOf(revision) };
    },
    /** True when a step would send something or change the state. */
    wantsStep(): boolean {
      const step = compute();
      return !!step && (step.send.length > 0 || JSON.stringify(step.state) !== JSON.stringify(mem.rollout));
    },
    /** Decides and does; returns when to decide again at the latest (a soak's end, a deadline). */
    async drive(): Promise<number | undefined> {
      const step = compute();
      if (!step) return undefined;
      mem.rollout = step.state;
      await Promise.all(
        step.send.map(async ({ cluster, revision }) => {
          const id = host.children()[cluster];
          if (!id) return;
          await getExternalWorkflowHandle(id)
            .signal(clusterSpecSignal, specOf(revision), revision)
            .catch(() => undefined); // a lifecycle that ended (target deleted) has nothing to move
        }),
      );
      publish();
      return step.wakeAt;
    },
    summary(): { revision: number; state: string; wave: string } | undefined {
      const s = status();
      return s ? { revision: s.revision, state: s.state, wave: s.wave.name } : undefined;
    },
  };

  function publish(): void {
    const s = status();
    if (!s) return;
    const now = `${s.state}/${s.wave.name}`;
    if (now === published) return;
    published = now;
    // Integrations recorded before rollouts existed replay without these upserts.
    if (!patched('ksit-rollout-search-attributes')) return;
    upsertSearchAttributes([
      { key: KsitRolloutState, value: s.state },
      { key: KsitRolloutWave, value: s.wave.name || '-' },
    ]);
  }
}

export type RolloutDriver = ReturnType<typeof createRolloutDriver>;
