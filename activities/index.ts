import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type {
  ClusterPhase,
  CredentialRef,
  HealthReport,
  InstallSpec,
  ComponentRef,
  TargetSpec,
} from '../shared/types.js';
import { classifyKubeError } from './errors.js';
import { checkComponents } from './health/check-components.js';
import type { HelmRunner } from './helm/helm-runner.js';
import { DEFAULT_HELM_PROCESSES, HelmSlots } from './helm/helm-slots.js';
import { installChart } from './helm/install-chart.js';
import { readReleaseState, type ReleaseState } from './helm/release-state.js';
import type { ReleaseOwner } from './helm/release-owner.js';
import { uninstallRelease } from './helm/uninstall-release.js';
import { refuseInstall, STRICT_INSTALLS, type InstallPolicy } from './install-policy.js';
import type { ClusterClients } from './kube/cluster-clients.js';
import { applyManifest } from './manifest/apply-manifest.js';
import { deleteManifest } from './manifest/delete-manifest.js';
import { preflight, type PreflightInput, type PreflightResult } from './preflight.js';
import { probeTarget, resolveTargets, type ResolveTargetsInput } from './targets.js';
import { watchHealth, type CheckListener, type PairRef, type WatchHealthInput } from './watch-health.js';

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
  /** What install sources may be (worker settings); strict by default. */
  installPolicy?: InstallPolicy;
}

export interface InstallEvent {
  cluster: string;
  pair?: PairRef;
  method: string;
  ok: boolean;
  durationMs: number;
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

/**
 * How long an install waits for a Helm slot before its attempt gives up (HelmBusy, retried). Install activities may
 * run Helm's timeout plus 5 minutes; Helm itself gets its timeout plus 30 s, so 3 minutes of waiting still fits.
 */
const HELM_SLOT_WAIT_MS = 3 * 60_000;

/**
 * All cluster and Helm I/O, one verb per activity. Dependencies are injected so that tests can swap the seams
 * (clients, Helm runner) and workers share one client cache.
 */
export function createActivities(deps: ActivityDeps) {
  const clientFor = (input: ClusterInput) => deps.clients.get(input.credentials);
  const helmSlots = deps.helmSlots ?? new HelmSlots(DEFAULT_HELM_PROCESSES);
  const installPolicy = deps.installPolicy ?? STRICT_INSTALLS;

  /**
   * Runs a Helm install/uninstall once this worker has a free Helm slot, heartbeating all along (waiting, and while
   * Helm runs: `helm uninstall --wait` can take minutes) so that a dead worker is noticed within a minute.
   */
  async function inHelmSlot<T>(fn: () => Promise<T>): Promise<T> {
    const ctx = Context.current();
    let step = 'waiting for a Helm slot';
    const beat = setInterval(() => ctx.heartbeat({ step }), 5_000);
    try {
      return await helmSlots.run(
        () => {
          step = 'helm';
          return fn();
        },
        { maxWaitMs: HELM_SLOT_WAIT_MS, signal: ctx.cancellationSignal },
      );
    } finally {
      clearInterval(beat);
    }
  }

  /** Runs `fn` between the pair's started and returned/stopped events (when the input names a pair). */
  async function asPair<T>(input: { pair?: PairRef; phase?: ClusterPhase }, fn: () => Promise<T>): Promise<T> {
    const { pair, phase } = input;
    if (!pair || !deps.onPair) return fn();
    deps.onPair({ pair, phase, state: 'started' });
    let state: PairEvent['state'] = 'stopped';
    try {
      const result = await fn();
      state = 'returned';
      return result;
    } finally {
      deps.onPair({ pair, phase, state });
    }
  }

  return {
    async preflightCluster(input: ClusterInput & PreflightInput): Promise<PreflightResult> {
      return preflight(await clientFor(input), input.cluster, input);
    },

    async observeTool(input: ObserveToolInput): Promise<ObserveToolResult> {
      const client = await clientFor(input);
      try {
        const report = await checkComponents(client, input.namespace, input.components);
        const release = input.releaseName
          ? await readReleaseState(client, input.namespace, input.releaseName)
          : undefined;
        return { report, release };
      } catch (err) {
        throw classifyKubeError(err, input.cluster, 'observing the tool');
      }
    },

    installTool(input: InstallToolInput): Promise<{ detail: string; recovered?: string }> {
      return asPair(input, () => install(input));
    },

    async uninstallTool(input: InstallToolInput): Promise<{ removed: boolean }> {
      const client = await clientFor(input);
      const signal = Context.current().cancellationSignal;
      if (input.install.method === 'helm') {
        const { releaseName } = input.install;
        const owner = ownerOf(input);
        return inHelmSlot(() =>
          uninstallRelease(client, deps.helm, input.cluster, input.namespace, releaseName, owner, signal),
        );
      }
      return deleteManifest(client, input.cluster, input.namespace, ownerOf(input));
    },

    watchHealth(input: WatchHealthInput) {
      return asPair(input, () => watchHealth(deps.clients, input, deps.onCheck, deps.workerShutdown));
    },

    async probeTarget(target: TargetSpec) {
      return probeTarget(deps.clients, target);
    },

    async resolveTargets(input: ResolveTargetsInput) {
      if (!deps.temporal) throw new Error('resolveTargets needs a Temporal client in the activity dependencies');
      return resolveTargets(deps.temporal, input);
    },
  };

  async function install(input: InstallToolInput): Promise<{ detail: string; recovered?: string }> {
    const client = await clientFor(input);
    const started = Date.now();
    let ok = false;
    try {
      if (input.install.method === 'helm') {
        const helmInstall = input.install;
        const owner = ownerOf(input);
        const r = await inHelmSlot(() =>
          installChart(client, deps.helm, input.cluster, input.namespace, helmInstall, owner, installPolicy),
        );
        ok = true;
        return {
          detail: `helm release ${r.releaseName} revision ${r.revision} (chart ${r.chartVersion})`,
          recovered: r.recovered,
        };
      }
      const r = await applyManifest(
        client,
        input.cluster,
        input.namespace,
        input.install.source,
        ownerOf(input),
        installPolicy,
      );
      ok = true;
      return { detail: `applied ${r.applied} objects (${r.crds} CRDs first)` };
    } finally {
      deps.onInstall?.({
        cluster: input.cluster,
        pair: input.pair,
        method: input.install.method,
        ok,
        durationMs: Date.now() - started,
      });
    }
  }
}

/** The Integration an install acts for; workflows before owners were passed name it only in their metrics labels. */
function ownerOf(input: InstallToolInput): ReleaseOwner {
  const owner =
    input.owner ?? (input.pair ? { namespace: input.pair.namespace, name: input.pair.integration } : undefined);
  if (!owner) refuseInstall('the install names no owning Integration; ksit labels every release with its owner');
  return owner;
}

export type Activities = ReturnType<typeof createActivities>;
