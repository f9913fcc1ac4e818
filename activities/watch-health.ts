import { setTimeout as sleep } from 'node:timers/promises';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ClusterPhase, ComponentRef, CredentialRef, HealthEndpoint, HealthReport } from '../shared/types.js';
import { classifyKubeError, FailureType, isUnreachable } from './errors.js';
import { checkComponents, workloadKinds } from './health/check-components.js';
import { HealthEvents } from './health/health-events.js';
import { probeHealthEndpoint, withHealthEndpoint } from './health/health-endpoint.js';
import { claimConflict, markClaim, type ReleaseOwner } from './helm/release-owner.js';
import { readReleaseState } from './helm/release-state.js';
import { observeManifest } from './manifest/observe-manifest.js';
import { releaseDrift, type ReleaseState, type WantedRelease } from '../shared/lifecycle/drift.js';
import type { LiveCheck } from '../shared/lifecycle/live-check.js';
import { STRICT_INSTALLS, type InstallPolicy } from './install-policy.js';
import type { ClusterClients } from './kube/cluster-clients.js';
import type { WorkloadWatchCache } from './kube/watch-cache.js';

export interface WatchHealthInput {
  cluster: string;
  credentials: CredentialRef;
  namespace: string;
  components: ComponentRef[];
  /** When set, drift of this Helm release is observed too, by the shared rules (shared/lifecycle/drift.ts). */
  release?: WantedRelease;
  /** A manifest install: its source and the digest last applied, compared every MANIFEST_CHECK_MS at most. */
  manifest?: { source: string; appliedDigest?: string };
  /** config.healthEndpoint: asked at every check, after the components. */
  healthEndpoint?: HealthEndpoint;
  intervalMs: number;
  /** Epoch ms by which to return even if nothing changed (end of grace period, or a liveness bound). */
  returnBy: number;
  /** Signature of what the workflow last recorded; any other observation is returned at once. */
  lastSignature?: string;
  /** Return once this many consecutive checks were unhealthy (the remediation policy's threshold). */
  returnAfterUnhealthyChecks?: number;
  /** How long checks must keep failing before the cluster counts as Unreachable. */
  unreachableAfterMs: number;
  /** Which Integration on which cluster this watch is for: the labels of the worker's metrics. */
  pair?: PairRef;
  /** The Integration watching: a release it owns that another Integration claims is reported (a conflict). */
  owner?: ReleaseOwner;
  /** The phase the workflow had recorded when it started this watch; unchanged for as long as the watch runs. */
  phase?: ClusterPhase;
}

/** One Integration on one cluster, as the worker's metrics label it (`cluster` is the IntegrationTarget's name). */
export interface PairRef {
  namespace: string;
  integration: string;
  type: string;
  cluster: string;
}

/**
 * `drift` is the drift rules' message for `release` (older workers returned only the message); `manifestDrift`
 * says how a manifest install's source or objects differ from what was applied.
 */
export type Observation =
  | { kind: 'health'; report: HealthReport; drift?: string; release?: ReleaseState; manifestDrift?: string }
  | { kind: 'unreachable'; message: string };

export interface WatchHealthResult {
  observation: Observation;
  signature: string;
  checks: number;
  consecutiveUnhealthy: number;
  at: number;
}

export interface CheckEvent {
  cluster: string;
  pair?: PairRef;
  /** Known once observed; undefined while API failures have not yet lasted long enough to count as Unreachable. */
  healthy: boolean | undefined;
  /** Components ready and in all, when the check reached the cluster. */
  componentsReady?: number;
  componentsTotal?: number;
  /** When the check finished (epoch ms). */
  at: number;
  /** The cluster's API answered this check. */
  reachable: boolean;
  /** The watch now reports the cluster Unreachable (the failures lasted `unreachableAfterMs`). */
  unreachable: boolean;
  durationMs: number;
  /** When the check was due and when it started (epoch ms): their difference is how far behind the worker is. */
  scheduledAt: number;
  startedAt: number;
}

export interface CheckListener {
  (event: CheckEvent): void;
}

/** A stable string for "did anything the user would care about change". */
export function signatureOf(o: Observation): string {
  if (o.kind === 'unreachable') return 'unreachable';
  const base = [o.report.healthy, o.report.absent, o.report.reason ?? '', o.drift ?? ''];
  return JSON.stringify(o.manifestDrift ? [...base, o.manifestDrift] : base);
}

/**
 * The watch's return rule, for one check that saw something: return when what it saw differs from what the workflow
 * recorded, when the unhealthy streak reaches the remediation threshold, or at the deadline. Pure: the workflow
 * tests' scripted watch uses the same rule.
 */
export function judgeCheck(
  input: Pick<WatchHealthInput, 'lastSignature' | 'returnAfterUnhealthyChecks' | 'returnBy'>,
  observation: Observation,
  unhealthyBefore: number,
  now: number,
  byEvent = false,
): { returnNow: boolean; signature: string; consecutiveUnhealthy: number } {
  const signature = signatureOf(observation);
  const unhealthy = observation.kind === 'health' && !observation.report.healthy;
  // The remediation threshold counts interval checks: a burst of events is one observation, not many.
  const consecutiveUnhealthy = !unhealthy ? 0 : byEvent ? Math.max(1, unhealthyBefore) : unhealthyBefore + 1;
  const limit = input.returnAfterUnhealthyChecks;
  const returnNow =
    signature !== input.lastSignature || (!!limit && consecutiveUnhealthy >= limit) || now >= input.returnBy;
  return { returnNow, signature, consecutiveUnhealthy };
}

/**
 * How often a manifest install's source and objects are compared (a read per object): every six checks but at
 * least once a minute, so a fast interval does not turn into a read of every object every few seconds.
 */
const MANIFEST_CHECK_MS = 60_000;

/**
 * Checks health every interval inside one long activity and returns only when the observation changes, the
 * deadline passes, or the unhealthy threshold is hit. Unchanged checks cost heartbeats, not history events,
 * so a month-long monitor keeps a small history. Transient API failures are retried quickly and reported as
 * Unreachable only once they have lasted `unreachableAfterMs`. With the worker's watch cache, a change of the
 * watched workloads triggers a check at once (read from the cache), and the interval is only the resync bound.
 */
export async function watchHealth(
  clients: ClusterClients,
  input: WatchHealthInput,
  onCheck?: CheckListener,
  workerShutdown?: AbortSignal,
  watches?: WorkloadWatchCache,
  installPolicy: InstallPolicy = STRICT_INSTALLS,
): Promise<WatchHealthResult> {
  const events = new HealthEvents(watches, input.namespace, workloadKinds(input.components));
  try {
    return await watchLoop(clients, input, events, installPolicy, onCheck, workerShutdown);
  } finally {
    events.close();
  }
}

async function watchLoop(
  clients: ClusterClients,
  input: WatchHealthInput,
  events: HealthEvents,
  installPolicy: InstallPolicy,
  onCheck?: CheckListener,
  workerShutdown?: AbortSignal,
): Promise<WatchHealthResult> {
  const ctx = Context.current();
  const stop = workerShutdown ? AbortSignal.any([ctx.cancellationSignal, workerShutdown]) : ctx.cancellationSignal;
  let checks = 0;
  let consecutiveUnhealthy = 0;
  let failingSince: number | undefined;
  let nextAt = Date.now();
  // What readers of the watch (describe, get -o json) see between its returns: every check's time and components.
  const live: LiveCheck = { checks: 0, reachable: true };
  const manifestSeen: ManifestSeen = {};
  // A check woken by a workload event reads the cache and reuses the last release reading (releases are read at
  // the interval); `byEvent` also keeps such a check out of the interval schedule.
  let byEvent = false;
  let lastRelease: Pick<Extract<Observation, { kind: 'health' }>, 'release' | 'drift'> | undefined;
  for (;;) {
    if (workerShutdown?.aborted) throw handBack();
    const started = Date.now();
    const scheduledAt = byEvent ? started : nextAt;
    let observation: Observation | undefined;
    let reachable = true;
    try {
      observation = await observe(
        clients,
        input,
        manifestSeen,
        installPolicy,
        events,
        byEvent ? lastRelease : undefined,
      );
      if (observation.kind === 'health') lastRelease = { release: observation.release, drift: observation.drift };
      failingSince = undefined;
    } catch (err) {
      if (err instanceof ApplicationFailure && err.type !== FailureType.Unreachable) throw err;
      if (!(err instanceof ApplicationFailure) && !isUnreachable(err))
        throw classifyKubeError(err, input.cluster, 'checking health');
      reachable = false;
      failingSince ??= started;
      if (Date.now() - failingSince >= input.unreachableAfterMs) {
        const since = Math.round((Date.now() - failingSince) / 1000);
        observation = {
          kind: 'unreachable',
          message: `${classifyKubeError(err, input.cluster, 'checking health').message}, for ${since}s`,
        };
      }
    }
    checks++;
    const seen = observation?.kind === 'health' ? observation.report.components : undefined;
    Object.assign(live, { checks, reachable }, reachable && { at: Date.now(), components: seen });
    onCheck?.({
      cluster: input.cluster,
      pair: input.pair,
      healthy: observation?.kind === 'health' ? observation.report.healthy : undefined,
      componentsReady: seen?.filter((c) => c.healthy).length,
      componentsTotal: seen?.length,
      at: Date.now(),
      reachable,
      unreachable: observation?.kind === 'unreachable',
      durationMs: Date.now() - started,
      scheduledAt,
      startedAt: started,
    });
    if (observation) {
      const verdict = judgeCheck(input, observation, consecutiveUnhealthy, Date.now(), byEvent);
      consecutiveUnhealthy = verdict.consecutiveUnhealthy;
      if (verdict.returnNow) {
        return { observation, signature: verdict.signature, checks, consecutiveUnhealthy, at: Date.now() };
      }
    }
    ctx.heartbeat(live);
    // While failing, retry sooner so a blip clears quickly and a real outage is reported on time.
    const step = failingSince !== undefined ? Math.min(input.intervalMs, 5_000) : input.intervalMs;
    if (!byEvent) nextAt = Math.max(Date.now(), scheduledAt + step);
    const unhealthy = observation?.kind !== 'health' || !observation.report.healthy;
    byEvent = await napUntil(Math.min(nextAt, Math.max(input.returnBy, Date.now())), live, stop, (ms) =>
      events.next(ms, stop, unhealthy),
    );
  }
}

/**
 * The worker is shutting down: this watch could run for an hour more, far beyond any shutdown grace period, so it
 * fails its attempt at once with a retryable failure and the server gives the retry to another worker right away
 * (waiting for the SDK's own cancellation would hold the shutdown for the whole grace period, and a killed worker's
 * watch would only move after the heartbeat timeout). The workflow sees this type only if every attempt ends so.
 */
function handBack(): ApplicationFailure {
  return ApplicationFailure.retryable(
    'the worker is shutting down; the health watch continues on another worker',
    FailureType.WorkerShutdown,
  );
}

/**
 * Heartbeats while napping at most this often: each check heartbeats anyway, this only proves liveness. It must stay
 * well under the watch's heartbeat timeout (13 s, workflows/activity-proxies.ts: how soon a killed worker's
 * monitors move); the SDK sends at most one heartbeat per 0.8 x that timeout whatever is called here.
 */
const NAP_HEARTBEAT_MS = 4_000;

/**
 * Sleeps until `until`, heartbeating the latest check every NAP_HEARTBEAT_MS (heartbeat details are replaced,
 * never merged, so every heartbeat carries the whole live check). A worker shutdown or a cancel ends the nap at
 * once (the cancel arrives with a heartbeat's response).
 */
async function napUntil(
  until: number,
  live: LiveCheck,
  stop: AbortSignal,
  nextEvent?: (ms: number) => Promise<boolean>,
): Promise<boolean> {
  const ctx = Context.current();
  let lastBeat = Date.now();
  for (let left = until - Date.now(); left > 0; left = until - Date.now()) {
    const nap = Math.min(left, NAP_HEARTBEAT_MS);
    const woke = await (nextEvent ? nextEvent(nap) : sleep(nap, false, { signal: stop })).catch(() => {
      if (!ctx.cancellationSignal.aborted) throw handBack();
      throw ctx.cancellationSignal.reason ?? new Error('cancelled');
    });
    if (Date.now() - lastBeat >= NAP_HEARTBEAT_MS) {
      ctx.heartbeat(live);
      lastBeat = Date.now();
    }
    if (woke) return true;
  }
  return false;
}

/** The latest manifest comparison, and when it was made. */
interface ManifestSeen {
  at?: number;
  drift?: string;
}

/** One check. `lastRelease`: the release reading of the last check, reused by event-driven checks. */
async function observe(
  clients: ClusterClients,
  input: WatchHealthInput,
  seen: ManifestSeen,
  installPolicy: InstallPolicy,
  events: HealthEvents,
  lastRelease?: Pick<Extract<Observation, { kind: 'health' }>, 'release' | 'drift'>,
): Promise<Observation> {
  const client = await clients.get(input.credentials);
  events.use(client);
  // An interval check proves the API answers before trusting the cache; an event-driven one just heard from it.
  if (!lastRelease) await events.confirmReachable();
  const components = await checkComponents(client, input.namespace, input.components, events.cached);
  const report = input.healthEndpoint
    ? withHealthEndpoint(components, await probeHealthEndpoint(client, input.namespace, input.healthEndpoint))
    : components;
  const { manifest } = input;
  if (manifest) {
    if (seen.at === undefined || Date.now() - seen.at >= Math.min(MANIFEST_CHECK_MS, input.intervalMs * 6)) {
      seen.drift = await observeManifest(
        client,
        input.cluster,
        input.namespace,
        manifest.source,
        manifest.appliedDigest,
        installPolicy,
      );
      seen.at = Date.now();
    }
    return { kind: 'health', report, ...(seen.drift && { manifestDrift: seen.drift }) };
  }
  if (!input.release) return { kind: 'health', report };
  const wanted = input.release;
  // An event-driven check reuses the last release reading; the claim check applies to it all the same.
  const withClaim = (release: ReleaseState | undefined) => {
    const claimed = release && claimConflict(release, input.owner, wanted.name);
    return claimed ? { ...report, healthy: false, reason: claimed } : report;
  };
  if (lastRelease) return { kind: 'health', ...lastRelease, report: withClaim(lastRelease.release) };
  const release = await readReleaseState(client, input.namespace, wanted.name);
  // The other side of a conflict learns of it from this mark (release-owner.ts).
  if (input.owner && claimConflict(release, input.owner, wanted.name))
    await markClaim(client, release, input.owner, wanted.name, input.namespace);
  return { kind: 'health', report: withClaim(release), release, drift: releaseDrift(release, wanted)?.message };
}
