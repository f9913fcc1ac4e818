// The activities' dependencies, inputs and events: types only, so workflows and workers can name them without
// pulling in the wiring (activities/index.ts).
import type { Client } from '@temporalio/client';
import type { ReleaseState } from '../shared/lifecycle/drift.js';
import type {
  ClusterPhase,
  ComponentRef,
  CredentialRef,
  HealthEndpoint,
  HealthReport,
  InstallSpec,
} from '../shared/types.js';
import type { HelmRunner } from './helm/helm-runner.js';
import type { HelmSlots } from './helm/helm-slots.js';
import type { WorkloadWatchCache } from './kube/watch-cache.js';
import type { ReleaseOwner } from './helm/release-owner.js';
import type { InstallPolicy } from './install-policy.js';
import type { ClusterClients } from './kube/cluster-clients.js';
import type { CheckListener, PairRef } from './watch-health.js';

export interface ActivityDeps {
  clients: ClusterClients;
  helm: HelmRunner;
  /** How many Helm installs/uninstalls run at once on this worker (default: DEFAULT_HELM_PROCESSES). */
  helmSlots?: HelmSlots;
  /** Needed only by resolveTargets (targets are workflows; their specs live in Temporal). */
  temporal?: Client;
  onCheck?: CheckListener;
  onInstall?: (event: InstallEvent) => void;
  onPair?: PairListener;
  /** Aborted when the worker starts shutting down: health watches then hand their work to another worker. */
  workerShutdown?: AbortSignal;
  /** The worker's watch cache; absent: every check reads the API (KSIT_HEALTH_SOURCE=poll). */
  watches?: WorkloadWatchCache;
  /** What install sources may be (worker settings); strict by default. */
  installPolicy?: InstallPolicy;
}

export interface InstallEvent {
  cluster: string;
  pair?: PairRef;
  method: string;
  ok: boolean;
  durationMs: number;
  /** Why the attempt failed: the classified failure's type and message (which never hold values or argv). */
  error?: { type?: string; message: string };
  /** Helm ran out of its --timeout (or was killed at ours). */
  helmTimedOut?: boolean;
}

/**
 * An activity that stands for a pair (a health watch, an install) started or ended on this worker: while one runs,
 * this worker is the one that knows the pair's phase. `returned` means the workflow goes on with its next step
 * (usually at once), `stopped` that the activity failed or was cancelled (deleted, paused, handed to another worker).
 */
export interface PairEvent {
  pair: PairRef;
  phase?: ClusterPhase;
  state: 'started' | 'returned' | 'stopped';
}

export type PairListener = (event: PairEvent) => void;

/** Identifies the cluster an activity works on: a name for messages and a reference to its credentials. */
export interface ClusterInput {
  cluster: string;
  credentials: CredentialRef;
  /** The Integration acting: installs are labelled with it, and releases it does not own are never touched. */
  owner?: ReleaseOwner;
}

export interface ObserveToolInput extends ClusterInput {
  namespace: string;
  components: ComponentRef[];
  healthEndpoint?: HealthEndpoint;
  releaseName?: string;
}

export interface ObserveToolResult {
  report: HealthReport;
  release?: ReleaseState;
}

export interface InstallToolInput extends ClusterInput {
  namespace: string;
  install: InstallSpec;
  /** For the worker's metrics: which Integration on which cluster, and its phase (Installing) meanwhile. */
  pair?: PairRef;
  phase?: ClusterPhase;
}

export interface InstallToolResult {
  detail: string;
  /** Set by workers before stuck-release recovery became its own step (kept for their histories). */
  recovered?: string;
  /** Manifest installs: the digest of the content applied. */
  manifestDigest?: string;
}

/** The release a stuck-release recovery works on. */
export interface RecoverReleaseInput extends ClusterInput {
  namespace: string;
  releaseName: string;
}
