import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ClusterPhase, TargetSpec } from '../shared/types.js';
import { classifyKubeError } from './errors.js';
import { checkComponents } from './health/check-components.js';
import { probeHealthEndpoint, withHealthEndpoint } from './health/health-endpoint.js';
import { DEFAULT_HELM_PROCESSES, HelmSlots } from './helm/helm-slots.js';
import { installChart } from './helm/install-chart.js';
import { readReleaseState } from './helm/release-state.js';
import { rollbackRelease } from './helm/rollback-release.js';
import type { ReleaseOwner } from './helm/release-owner.js';
import { uninstallRelease } from './helm/uninstall-release.js';
import { refuseInstall, STRICT_INSTALLS } from './install-policy.js';
import { applyManifest } from './manifest/apply-manifest.js';
import { deleteManifest } from './manifest/delete-manifest.js';
import { preflight, type PreflightInput, type PreflightResult } from './preflight.js';
import { probeTarget, resolveTargets, type ResolveTargetsInput } from './targets.js';
import type {
  ActivityDeps,
  ClusterInput,
  InstallToolInput,
  InstallToolResult,
  ObserveToolInput,
  ObserveToolResult,
  PairEvent,
  RecoverReleaseInput,
} from './types.js';
import { watchHealth, type PairRef, type WatchHealthInput } from './watch-health.js';
import { credentialKey } from './kube/credentials.js';
import { SharedResults } from './kube/shared-results.js';

const PREFLIGHT_SHARED_MS = 10_000;

export type * from './types.js';

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
  // A preflight answer holds for a few seconds: long enough for a ramp of many monitors on one cluster to share
  // it, short enough that a fixed RBAC or a created namespace is seen at the next look.
  const preflights = new SharedResults<PreflightResult>(PREFLIGHT_SHARED_MS);
  const clientFor = (input: ClusterInput) => deps.clients.get(input.credentials);
  const installPolicy = deps.installPolicy ?? STRICT_INSTALLS;
  const helmSlots = deps.helmSlots ?? new HelmSlots(DEFAULT_HELM_PROCESSES);

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
      const client = await clientFor(input);
      // Shared per cluster, credentials revision and question (see kube/shared-results.ts).
      const key = JSON.stringify([
        credentialKey(input.credentials),
        client.server,
        client.kubeconfig.revision,
        input.namespace,
        input.kubeVersionRange ?? '',
        input.install,
        input.readsEndpoints ?? false,
        input.probesServices ?? false,
      ]);
      return preflights.get(key, () => preflight(client, input.cluster, input));
    },

    async observeTool(input: ObserveToolInput): Promise<ObserveToolResult> {
      const client = await clientFor(input);
      try {
        const components = await checkComponents(client, input.namespace, input.components);
        const report = input.healthEndpoint
          ? withHealthEndpoint(components, await probeHealthEndpoint(client, input.namespace, input.healthEndpoint))
          : components;
        const release = input.releaseName
          ? await readReleaseState(client, input.namespace, input.releaseName)
          : undefined;
        return { report, release };
      } catch (err) {
        throw classifyKubeError(err, input.cluster, 'observing the tool');
      }
    },

    installTool(input: InstallToolInput): Promise<InstallToolResult> {
      return asPair(input, () => install(input));
    },

    /** Stuck-release recovery, step one of two: back to the last good revision (the lifecycle decided so). */
    async rollbackRelease(input: RecoverReleaseInput & { revision: number }): Promise<{ detail: string }> {
      const client = await clientFor(input);
      const { revision } = input;
      const signal = Context.current().cancellationSignal;
      return inHelmSlot(() =>
        rollbackRelease(
          client,
          deps.helm,
          input.cluster,
          input.namespace,
          input.releaseName,
          revision,
          ownerOf(input),
          signal,
        ),
      );
    },

    /** Stuck-release recovery of a release with no good revision (or an interrupted uninstall): remove it. */
    async uninstallRelease(input: RecoverReleaseInput): Promise<{ detail: string }> {
      const client = await clientFor(input);
      const signal = Context.current().cancellationSignal;
      const { removed } = await inHelmSlot(() =>
        uninstallRelease(client, deps.helm, input.cluster, input.namespace, input.releaseName, ownerOf(input), signal),
      );
      return { detail: removed ? `uninstalled release ${input.releaseName}` : `release ${input.releaseName} was gone` };
    },

    async uninstallTool(input: InstallToolInput): Promise<{ removed: boolean }> {
      const client = await clientFor(input);
      const signal = Context.current().cancellationSignal;
      if (input.install.method === 'helm') {
        const { releaseName } = input.install;
        return inHelmSlot(() =>
          uninstallRelease(client, deps.helm, input.cluster, input.namespace, releaseName, ownerOf(input), signal),
        );
      }
      return deleteManifest(client, input.cluster, input.namespace, ownerOf(input));
    },

    watchHealth(input: WatchHealthInput) {
      return asPair(input, () =>
        watchHealth(deps.clients, input, deps.onCheck, deps.workerShutdown, deps.watches, installPolicy),
      );
    },

    async probeTarget(target: TargetSpec) {
      return probeTarget(deps.clients, target);
    },

    async resolveTargets(input: ResolveTargetsInput) {
      if (!deps.temporal) throw new Error('resolveTargets needs a Temporal client in the activity dependencies');
      return resolveTargets(deps.temporal, input, Context.current().info.taskQueue);
    },
  };

  async function install(input: InstallToolInput): Promise<InstallToolResult> {
    const client = await clientFor(input);
    const started = Date.now();
    let ok = false;
    let error: { type?: string; message: string } | undefined;
    try {
      if (input.install.method === 'helm') {
        const helmInstall = input.install;
        const owner = ownerOf(input);
        const r = await inHelmSlot(() =>
          installChart(client, deps.helm, input.cluster, input.namespace, helmInstall, owner, installPolicy),
        );
        ok = true;
        return { detail: `helm release ${r.releaseName} revision ${r.revision} (chart ${r.chartVersion})` };
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
      return { detail: `applied ${r.applied} objects (${r.crds} CRDs first)`, manifestDigest: r.digest };
    } catch (err) {
      error = {
        type: err instanceof ApplicationFailure ? (err.type ?? undefined) : undefined,
        message: err instanceof Error ? err.message : String(err),
      };
      throw err;
    } finally {
      deps.onInstall?.({
        cluster: input.cluster,
        pair: input.pair,
        method: input.install.method,
        ok,
        durationMs: Date.now() - started,
        error,
        helmTimedOut: !!error && /timed out/i.test(error.message),
      });
    }
  }
}

export type Activities = ReturnType<typeof createActivities>;

/** The Integration an install acts for; workflows from before owners were passed name it in their metrics labels. */
function ownerOf(input: ClusterInput & { pair?: PairRef }): ReleaseOwner {
  const owner =
    input.owner ?? (input.pair ? { namespace: input.pair.namespace, name: input.pair.integration } : undefined);
  if (!owner) refuseInstall('the request names no owning Integration; ksit labels every release with its owner');
  return owner;
}
