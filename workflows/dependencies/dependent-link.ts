// The dependent's side of spec.dependsOn, inside one cluster lifecycle: registers with each dependency's
// Integration workflow (which then signals a report whenever the dependency changes on this cluster), keeps the
// lifecycle's dependency gates, status fields and notes up to date, and unregisters when the lifecycle ends.
// Waiting costs nothing: no timers run while every dependency exists; a dependency that does not exist (yet) is
// asked again after 5 s, doubling up to 5 min.
import { condition, getExternalWorkflowHandle, patched, setHandler } from '@temporalio/workflow';
import { dependencyKey } from '../../shared/dependencies/cycles.js';
import type { ClusterStatus, IntegrationSpec } from '../../shared/types.js';
import { workflowIds } from '../definitions.js';
import type { LifecycleState, Observation, Step } from '../lifecycle/types.js';
import { DEPENDENCY_GATE, dependencyNote, dependencyPicture, withNote } from './gates.js';
import { dependencyReportSignal, registerDependentSignal, unregisterDependentSignal } from './signals.js';
import type { DependencyReport } from './types.js';

const FIRST_RETRY_MS = 5_000;
const MAX_RETRY_MS = 5 * 60_000;

/** A copy of `record` without `key`. */
export function without<T>(record: Record<string, T> | undefined, key: string): Record<string, T> {
  return Object.fromEntries(Object.entries(record ?? {}).filter(([k]) => k !== key));
}

export interface LinkContext {
  cluster: string;
  /** This lifecycle's workflow id: where reports are sent. */
  workflowId: string;
  spec(): IntegrationSpec;
  /** The lifecycle's current state (mutated in place, as the other signal handlers do). */
  state(): LifecycleState;
  /** Called when a dependency's readiness changed: the lifecycle interrupts a wait or watch to decide again. */
  changed(): void;
}

export function linkDependencies(ctx: LinkContext) {
  const self = () => `${ctx.spec().namespace}/${ctx.spec().name}`;
  const wanted = () => new Map((ctx.spec().dependsOn ?? []).map((d) => [dependencyKey(d), d]));
  let stopped = false;
  let wake = false;

  /** Recomputes gates, views and upstream into the state; true when the gates changed. */
  function refresh(): boolean {
    const s = ctx.state();
    const picture = dependencyPicture(ctx.spec(), ctx.cluster, s.dependencyReports ?? {});
    const before = JSON.stringify(s.gates ?? []);
    const others = (s.gates ?? []).filter((g) => g.from !== DEPENDENCY_GATE);
    const gates = [...others, ...picture.gates];
    s.gates = gates.length > 0 ? gates : undefined;
    return JSON.stringify(s.gates ?? []) !== before;
  }

  setHandler(dependencyReportSignal, (report: DependencyReport) => {
    const s = ctx.state();
    if (report.cluster !== ctx.cluster || !wanted().has(report.dependency)) return;
    s.dependencyReports = { ...s.dependencyReports, [report.dependency]: report };
    if (report.state === 'absent' && s.registeredWith?.[report.dependency]) {
      // The dependency is being deleted: register again (with backoff) so a re-created one is found.
      s.registeredWith = without(s.registeredWith, report.dependency);
    } else if (report.state !== 'absent') {
      wake = true;
    }
    if (refresh()) ctx.changed();
  });

  const installedNow = () => !!ctx.state().dependentInstalled;
  const pendingWork = () => {
    const registered = ctx.state().registeredWith ?? {};
    const want = wanted();
    for (const key of want.keys()) if (registered[key]?.installed !== installedNow()) return true;
    return Object.keys(registered).some((key) => !want.has(key));
  };
  const anyAbsent = () => {
    const reports = ctx.state().dependencyReports ?? {};
    return [...wanted().keys()].some((key) => !ctx.state().registeredWith?.[key] || reports[key]?.state === 'absent');
  };

  async function syncOnce(): Promise<void> {
    const s = ctx.state();
    const registration = (installed: boolean) => ({
      dependent: self(),
      cluster: ctx.cluster,
      workflowId: ctx.workflowId,
      installed,
    });
    const want = wanted();
    for (const key of Object.keys(s.registeredWith ?? {})) {
      if (want.has(key)) continue;
      const [namespace, name] = key.split('/') as [string, string];
      try {
        await getExternalWorkflowHandle(workflowIds.integration(namespace, name)).signal(
          unregisterDependentSignal,
          registration(false),
        );
      } catch {
        // Gone already: nothing to tell it.
      }
      ctx.state().registeredWith = without(ctx.state().registeredWith, key);
      ctx.state().dependencyReports = without(ctx.state().dependencyReports, key);
    }
    for (const [key, dep] of want) {
      const installed = installedNow();
      if (ctx.state().registeredWith?.[key]?.installed === installed) continue;
      try {
        await getExternalWorkflowHandle(workflowIds.integration(dep.namespace, dep.name)).signal(
          registerDependentSignal,
          registration(installed),
        );
        ctx.state().registeredWith = { ...ctx.state().registeredWith, [key]: { installed } };
      } catch {
        const absent: DependencyReport = {
          dependency: key,
          cluster: ctx.cluster,
          state: 'absent',
          detail: `no Integration ${key}`,
        };
        ctx.state().dependencyReports = { ...ctx.state().dependencyReports, [key]: absent };
      }
    }
    if (refresh()) ctx.changed();
  }

  return {
    /** Runs beside the lifecycle loop for its whole run: registers, and retries what does not exist yet. */
    async run(): Promise<void> {
      refresh();
      let retryMs = FIRST_RETRY_MS;
      for (;;) {
        await condition(() => stopped || pendingWork());
        if (stopped) return;
        wake = false;
        await syncOnce();
        if (anyAbsent()) {
          await condition(() => stopped || wake, retryMs);
          retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
        } else {
          retryMs = FIRST_RETRY_MS;
        }
      }
    },
    /** A new spec arrived (dependsOn may have changed). */
    specChanged(): void {
      wake = true;
      refresh();
    },
    /** Remembers the spec a health observation was made at, and whether the tool is installed (or watched) here. */
    observed(obs: Observation, digestAtStart: string): void {
      const s = ctx.state();
      if (obs.kind === 'watched' || obs.kind === 'installed' || obs.kind === 'failed') s.observedSpec = digestAtStart;
      if (s.stage === 'monitor' || s.watchStarted) s.dependentInstalled = true;
    },
    /** The step with the note about dependencies that are not ready while this one runs (never an action). */
    annotate(step: Step): Step {
      const s = step.state;
      if (!ctx.spec().dependsOn?.length || s.stage !== 'monitor' || !s.watchStarted || step.phase === 'Pending') {
        return step;
      }
      const note = dependencyNote(dependencyPicture(ctx.spec(), ctx.cluster, s.dependencyReports ?? {}));
      return { ...step, message: withNote(step.message, note) };
    },
    /** Copies the dependency fields into the status; true when they changed (the Integration must hear of it). */
    decorate(status: ClusterStatus): boolean {
      const s = ctx.state();
      const picture = dependencyPicture(ctx.spec(), ctx.cluster, s.dependencyReports ?? {});
      const before = JSON.stringify([status.observedSpec, status.dependencies, status.upstream]);
      status.observedSpec = s.observedSpec;
      status.dependencies = picture.views.length > 0 ? picture.views : undefined;
      status.upstream = Object.keys(picture.upstream).length > 0 ? picture.upstream : undefined;
      return JSON.stringify([status.observedSpec, status.dependencies, status.upstream]) !== before;
    },
    /**
     * The lifecycle ends: tell every dependency, so an uninstall held for this one can go on. Every one in the
     * spec, not only those it knows it registered with: a dependency being deleted still holds a registration
     * that this side has already let go of (to register again with a re-created one).
     */
    async leave(): Promise<void> {
      stopped = true;
      const registration = { dependent: self(), cluster: ctx.cluster, workflowId: ctx.workflowId, installed: false };
      const known = Object.keys(ctx.state().registeredWith ?? {});
      // Runs recorded before this told only the registered ones, and replay that way.
      const keys = new Set(patched('ksit-leave-tells-every-dependency') ? [...known, ...wanted().keys()] : known);
      await Promise.all(
        [...keys].sort().map(async (key) => {
          const [namespace, name] = key.split('/') as [string, string];
          try {
            await getExternalWorkflowHandle(workflowIds.integration(namespace, name)).signal(
              unregisterDependentSignal,
              registration,
            );
          } catch {
            // Gone already.
          }
        }),
      );
    },
  };
}
