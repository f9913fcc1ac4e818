import { setTimeout as sleep } from 'node:timers/promises';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ClusterPhase, ComponentRef, CredentialRef, HealthReport } from '../shared/types.js';
import { classifyKubeError, FailureType, isUnreachable } from './errors.js';
import { checkComponents } from './health/check-components.js';
import { versionLabel } from './helm/release-owner.js';
import { readReleaseState } from './helm/release-state.js';
import type { ClusterClients } from './kube/cluster-clients.js';

export interface WatchHealthInput {
  cluster: string;
  credentials: CredentialRef;
  namespace: string;
  components: ComponentRef[];
  /** When set, drift of this Helm release (missing, or another chart version) is observed too. */
  release?: { name: string; chartVersion?: string };
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

export type Observation =
  { kind: 'health'; report: HealthReport; drift?: string } | { kind: 'unreachable'; message: string };

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
  return JSON.stringify([o.report.healthy, o.report.absent, o.report.reason ?? '', o.drift ?? '']);
}

/**
 * Checks health every interval inside one long activity and returns only when the observation changes, the
 * deadline passes, or the unhealthy threshold is hit. Unchanged checks cost heartbeats, not history events,
 * so a month-long monitor keeps a small history. Transient API failures are retried quickly and reported as
 * Unreachable only once they have lasted `unreachableAfterMs`.
 */
export async function watchHealth(
  clients: ClusterClients,
  input: WatchHealthInput,
  onCheck?: CheckListener,
  workerShutdown?: AbortSignal,
): Promise<WatchHealthResult> {
  const ctx = Context.current();
  const stop = workerShutdown ? AbortSignal.any([ctx.cancellationSignal, workerShutdown]) : ctx.cancellationSignal;
  let checks = 0;
  let consecutiveUnhealthy = 0;
  let failingSince: number | undefined;
  let nextAt = Date.now();
  for (;;) {
    if (workerShutdown?.aborted) throw handBack();
    const scheduledAt = nextAt;
    const started = Date.now();
    let observation: Observation | undefined;
    let reachable = true;
    try {
      observation = await observe(clients, input);
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
    onCheck?.({
      cluster: input.cluster,
      pair: input.pair,
      healthy: observation?.kind === 'health' ? observation.report.healthy : undefined,
      reachable,
      unreachable: observation?.kind === 'unreachable',
      durationMs: Date.now() - started,
      scheduledAt,
      startedAt: started,
    });
    if (observation) {
      const signature = signatureOf(observation);
      const unhealthy = observation.kind === 'health' && !observation.report.healthy;
      consecutiveUnhealthy = unhealthy ? consecutiveUnhealthy + 1 : 0;
      const limit = input.returnAfterUnhealthyChecks;
      if (
        signature !== input.lastSignature ||
        (limit && consecutiveUnhealthy >= limit) ||
        Date.now() >= input.returnBy
      ) {
        return { observation, signature, checks, consecutiveUnhealthy, at: Date.now() };
      }
    }
    ctx.heartbeat({ checks });
    // While failing, retry sooner so a blip clears quickly and a real outage is reported on time.
    const step = failingSince !== undefined ? Math.min(input.intervalMs, 5_000) : input.intervalMs;
    nextAt = Math.max(Date.now(), scheduledAt + step);
    await napUntil(Math.min(nextAt, Math.max(input.returnBy, Date.now())), checks, stop);
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
 * Sleeps in short naps, heartbeating between them, so a pause or cancel reaches the activity within seconds and a
 * worker shutdown at once.
 */
async function napUntil(until: number, checks: number, stop: AbortSignal): Promise<void> {
  const ctx = Context.current();
  for (let left = until - Date.now(); left > 0; left = until - Date.now()) {
    await sleep(Math.min(left, 5_000), undefined, { signal: stop }).catch(() => {
      if (!ctx.cancellationSignal.aborted) throw handBack();
      throw ctx.cancellationSignal.reason ?? new Error('cancelled');
    });
    ctx.heartbeat({ checks });
  }
}

async function observe(clients: ClusterClients, input: WatchHealthInput): Promise<Observation> {
  const client = await clients.get(input.credentials);
  const report = await checkComponents(client, input.namespace, input.components);
  if (!input.release) return { kind: 'health', report };
  const release = await readReleaseState(client, input.namespace, input.release.name);
  let drift: string | undefined;
  if (!release.exists) drift = `release ${input.release.name} is missing`;
  else if (release.status?.startsWith('pending-'))
    drift = `release ${input.release.name} is stuck in ${release.status}`;
  else if (release.status === 'failed') drift = `release ${input.release.name} is failed`;
  else if (input.release.chartVersion && release.chartVersion !== versionLabel(input.release.chartVersion)) {
    // ksit records the chart version it installed as a label (health checks read no release payloads); a release
    // without the label was not installed by ksit at this version, and the install step says whose it is.
    const runs = release.chartVersion ? `runs chart ${release.chartVersion}` : 'has no chart version recorded by ksit';
    drift = `release ${input.release.name} ${runs}, spec wants ${input.release.chartVersion}`;
  }
  return { kind: 'health', report, drift };
}
