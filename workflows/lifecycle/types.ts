// The vocabulary of one Integration's lifecycle on one cluster: what it remembers (LifecycleState), what it last
// saw (Observation), what it does next (Action), and the Step that nextStep() returns. Types only.
import type { ObserveToolResult } from '../../activities/index.js';
import type { PreflightResult } from '../../activities/preflight.js';
import type { WatchHealthResult } from '../../activities/watch-health.js';
import type { StuckRecovery } from '../../shared/lifecycle/drift.js';
import type { ClusterPhase, ClusterStatus, ComponentHealth } from '../../shared/types.js';
import type { DeleteRequest } from '../definitions.js';
import type { DependentMemory } from '../dependencies/types.js';

/** Where the lifecycle is. The names are stored in continue-as-new state: add, never rename. */
export type Stage = 'preflight' | 'decide' | 'install' | 'recover' | 'monitor';

/**
 * A condition that must hold before this cluster installs or upgrades (extension point: a rollout wave, "wait for
 * dependency X on this cluster"). An unmet gate shows as `Pending` with `waiting for NAME (MESSAGE)` and the
 * lifecycle waits for a signal (whoever sets a gate signals when it changes), or rechecks after `recheckMs`.
 */
export interface Gate {
  name: string;
  met: boolean;
  message: string;
  /** Who set the gate (e.g. 'dependency'), so each source replaces only its own. */
  from?: string;
  /** Shown instead of `waiting for NAME (MESSAGE)`. */
  statusMessage?: string;
  /** `Failed` for a gate that only a spec change can open (a dependency cycle); it also stops the watch. */
  phase?: 'Pending' | 'Failed';
  recheckMs?: number;
}

/** State that survives continue-as-new. Fields are optional where older runs did not have them. */
export interface LifecycleState extends DependentMemory {
  status: ClusterStatus;
  stage: Stage;
  paused: boolean;
  reinstallRequested: boolean;
  /** Set by the delete signal; the next decision ends the lifecycle (uninstalling first if asked). */
  deleteRequest?: DeleteRequest;
  graceUntil?: number;
  lastSignature?: string;
  installReason?: string;
  /** Why the last install attempts did not start (every worker's Helm slots were taken); cleared once one runs. */
  waitingForHelm?: string;
  /** False from an install until its components are first seen; absent (older runs) counts as seen. */
  componentsSeenSinceInstall?: boolean;
  /** An install the next decision must make (the spec's install settings changed), and why. */
  installWanted?: string;
  /** Content digest of the manifest the last install applied (manifest installs): the watch compares it. */
  appliedManifest?: string;
  /** The recovery the `recover` stage performs, and why. */
  recovery?: StuckRecovery & { release: string; why: string };
  /** The spec revision this lifecycle runs (absent: started before revisions existed). */
  revision?: number;
  /** Extension point: conditions set from outside (rollouts, dependencies) that hold installs back while unmet. */
  gates?: Gate[];
}

/** What a failed activity said: its type (ours, or an unclassified one) and message. */
export interface FailureInfo {
  type: string;
  message: string;
}

/** What the lifecycle saw last. `at` is when (workflow time), so decisions need no clock of their own. */
export type Observation =
  /** Nothing new: the loop (re)started, a wait ended, or a signal interrupted the last action. */
  | { kind: 'woke'; at: number }
  /** A pause or `enabled: false` ended (or a delete arrived while paused). */
  | { kind: 'resumed'; at: number }
  | { kind: 'preflight'; at: number; result: PreflightResult }
  | { kind: 'tool'; at: number; result: ObserveToolResult }
  | { kind: 'installed'; at: number; result: { detail: string; recovered?: string; manifestDigest?: string } }
  | { kind: 'recovered'; at: number; detail: string }
  | { kind: 'watched'; at: number; result: WatchHealthResult }
  | { kind: 'uninstalled'; at: number }
  | { kind: 'failed'; at: number; action: Action['kind']; failure: FailureInfo };

export type Action =
  | { kind: 'preflight' }
  | { kind: 'observe' }
  | { kind: 'install' }
  /** Stuck-release recovery, each its own activity so it is visible in history. */
  | { kind: 'rollback'; release: string; revision: number }
  | { kind: 'uninstall-release'; release: string }
  | { kind: 'watch'; returnBy: number; returnAfterUnhealthyChecks?: number; unreachableAfterMs: number }
  /** Sleep (interruptible by signals); without `ms`, until a signal (a new spec, reinstall, delete). */
  | { kind: 'wait'; ms?: number }
  /** Paused or disabled: hold until resumed, enabled or deleted. */
  | { kind: 'hold' }
  /** Delete with uninstall. */
  | { kind: 'uninstall' }
  /** Decide again at once (the state changed; nothing to do first). */
  | { kind: 'next' }
  /** The lifecycle is over (deleted). */
  | { kind: 'end' };

/** One decision: the state to keep, what to do, and what to show (phase/message stay as they were if unchanged). */
export interface Step {
  state: LifecycleState;
  action: Action;
  phase: ClusterPhase;
  message: string;
  /** The components to show, when this step saw them. */
  components?: ComponentHealth[];
  /** The last status of a lifecycle that ends (its Integration or target was deleted). */
  removed?: boolean;
  /** Why the phase changed, for the transition log (defaults to the message). */
  reason?: string;
}
