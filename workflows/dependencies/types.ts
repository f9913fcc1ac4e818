// The vocabulary of spec.dependsOn at run time. A dependent's lifecycle on cluster C registers with each
// dependency's Integration workflow; that workflow sends it a DependencyReport about itself on C whenever that
// changes (never per health check), so waiting costs no timers. Types only.
import type { ClusterPhase } from '../../shared/types.js';

/** What a dependency is on one cluster, as far as a dependent there is concerned. */
export type DependencyState =
  /** Running, observed at the dependency's current spec: dependents may install. */
  | 'ready'
  /** Not (freshly) Running yet: wait. */
  | 'waiting'
  /** The dependency does not target this cluster: it never will be ready here (a permanent message). */
  | 'not-targeted'
  /** No such Integration (not applied yet, or deleted): wait, and register again now and then. */
  | 'absent';

export interface DependencyReport {
  /** namespace/name of the dependency. */
  dependency: string;
  cluster: string;
  state: DependencyState;
  /** The dependency's phase on the cluster, when it has one there. */
  phase?: ClusterPhase;
  /** Why it is not ready, in a few words (shown in parentheses after the dependency). */
  detail: string;
  /** The dependency's own dependencies, transitively: key -> path from the dependency to it (cycle detection). */
  upstream?: Record<string, string[]>;
}

/** Sent by a dependent lifecycle to a dependency's Integration workflow. */
export interface DependentRegistration {
  /** namespace/name of the dependent Integration. */
  dependent: string;
  cluster: string;
  /** The dependent's lifecycle workflow on `cluster`, where reports go. */
  workflowId: string;
  /** The dependent has been installed (or watched) on the cluster: an uninstall of the dependency waits for it. */
  installed: boolean;
}

/** What the dependency's Integration workflow remembers across continue-as-new. */
export interface DependencyHubMemory {
  /** cluster -> dependent lifecycle workflow id -> its registration. */
  dependents?: Record<string, Record<string, DependentRegistration>>;
  /** The Integration has resolved its targets at least once (until then "not targeted" cannot be known). */
  targetsResolved?: boolean;
}

/** What a dependent lifecycle remembers across continue-as-new. */
export interface DependentMemory {
  /** Last report per dependency key. */
  dependencyReports?: Record<string, DependencyReport>;
  /** Dependency keys this lifecycle is registered with, and whether it said it was installed. */
  registeredWith?: Record<string, { installed: boolean }>;
  /** Set once the tool was installed or watched here (an uninstall of a dependency waits for it). */
  dependentInstalled?: boolean;
  /** Monitor-only: set once the watch started (dependencies are waited for only before that). */
  watchStarted?: boolean;
  /** Digest of the spec that the shown phase was observed at (see spec-digest.ts). */
  observedSpec?: string;
}
