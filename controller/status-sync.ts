// Status of every object from one Temporal visibility list per kind and round (an Integration's listing memo, or a
// status query for one this controller changed in the last minute, whose memo visibility may still hold from before
// the change), written back only where it changed, with an Event on every phase transition. Rounds run every
// `everyMs` and at once when a reconcile asks; only the leader writes.
import type { Client } from '@temporalio/client';
import { listIntegrations, listTargets } from '../client/status-list.js';
import { taskQueue } from '../client/temporal.js';
import type { IntegrationStatus, TargetStatus } from '../shared/types.js';
import { workflowIds } from '../workflows/definitions.js';
import type { ControllerState } from './controller-state.js';
import { INTEGRATION_NAMES, TARGET_NAMES, type KindNames } from './crd/crd-manifests.js';
import type { IntegrationStatusCR, TargetStatusCR } from './crd/status-schema.js';
import { integrationStatusFor } from './integration-status.js';
import type { KsitObject, KubeObjects } from './kube-objects.js';
import { targetStatusFor } from './target-status.js';

const WARNING_PHASES = new Set(['Degraded', 'Failed', 'Unreachable', 'Invalid']);

/**
 * How long after this controller changed an Integration its rounds ask the workflow rather than read the memo. A
 * memo reaches visibility within seconds of the change; a minute leaves room for a loaded server. Asking every
 * Integration every round instead was a query storm at fleet size: each query of a workflow out of the worker's
 * cache replays its history (BENCHMARKS.md, soak).
 */
const MEMO_LAG_MS = 60_000;

/** JSON with sorted keys: the API server may return a status with its keys in another order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

export interface StatusSyncDeps {
  kube: KubeObjects;
  temporal: Client;
  state: ControllerState;
  integrations(): readonly KsitObject[];
  targets(): readonly KsitObject[];
  isLeader(): boolean;
  event(obj: KsitObject, type: 'Normal' | 'Warning', reason: string, note: string): void;
  log(message: string, err?: unknown): void;
}

/** The workflow ids of the Integrations whose memo may still be from before this controller's last change. */
export function justChangedWorkflows(
  objects: readonly KsitObject[],
  state: Pick<ControllerState, 'accepted'>,
  nowMs: number,
): Set<string> {
  return new Set(
    objects
      .filter((o) => nowMs - (state.accepted.get(o.metadata.uid)?.atMs ?? 0) < MEMO_LAG_MS)
      .map((o) => workflowIds.integration(o.metadata.namespace, o.metadata.name)),
  );
}

export class StatusSync {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  /** What was last written per object uid (the informer's copy can lag behind our own write). */
  private readonly written = new Map<string, { text: string; phase: string }>();
  /** Seconds between the last round's start and its end, for the logs and the benchmark. */
  lastRoundMs = 0;
  /** Integrations the last round asked by query because this controller had just changed them. */
  lastRoundQueries = 0;

  constructor(
    private readonly deps: StatusSyncDeps,
    private readonly everyMs: number,
  ) {}

  start(): void {
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** A round now (or right after the one under way). */
  poke(): void {
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.round()
        .catch((err: unknown) => this.deps.log('status round failed', err))
        .finally(() => {
          this.running = undefined;
          this.schedule(this.again ? 0 : this.everyMs);
          this.again = false;
        });
    }, ms);
  }

  async round(): Promise<void> {
    if (!this.deps.isLeader()) return;
    const started = Date.now();
    const justChanged = justChangedWorkflows(this.deps.integrations(), this.deps.state, started);
    this.lastRoundQueries = justChanged.size;
    const [integrations, targets] = await Promise.all([
      this.deps.integrations().length > 0
        ? listIntegrations(this.deps.temporal, taskQueue(), (id) => justChanged.has(id))
        : [],
      this.deps.targets().length > 0 ? listTargets(this.deps.temporal, taskQueue()) : [],
    ]);
    const byId = new Map<string, IntegrationStatus>(
      integrations.map((s) => [workflowIds.integration(s.namespace, s.name), s]),
    );
    const targetById = new Map<string, TargetStatus>(targets.map((s) => [workflowIds.target(s.namespace, s.name), s]));
    const now = Date.now();
    const writes: Promise<void>[] = [];
    for (const obj of this.deps.integrations()) {
      if (obj.metadata.deletionTimestamp && !this.deps.state.refused.has(obj.metadata.uid)) continue;
      const workflowId = workflowIds.integration(obj.metadata.namespace, obj.metadata.name);
      const { uid, generation = 0 } = obj.metadata;
      const next = integrationStatusFor({
        generation,
        previous: obj.status as IntegrationStatusCR | undefined,
        invalid: this.deps.state.invalid.get(uid),
        refused: this.deps.state.refused.get(uid),
        accepted: this.deps.state.accepted.get(uid),
        workflow: byId.get(workflowId),
        workflowId,
        suspended: obj.spec.suspend === true,
        nowMs: now,
      });
      writes.push(this.write(INTEGRATION_NAMES, obj, next, next.phase ?? ''));
    }
    for (const obj of this.deps.targets()) {
      if (obj.metadata.deletionTimestamp) continue;
      const workflowId = workflowIds.target(obj.metadata.namespace, obj.metadata.name);
      const { uid, generation = 0 } = obj.metadata;
      const next = targetStatusFor({
        generation,
        previous: obj.status as TargetStatusCR | undefined,
        invalid: this.deps.state.invalid.get(uid),
        acceptedGeneration: this.deps.state.accepted.get(uid)?.generation,
        workflow: targetById.get(workflowId),
        workflowId,
        nowMs: now,
      });
      const ready = next.conditions?.find((c) => c.type === 'Ready');
      writes.push(this.write(TARGET_NAMES, obj, next, ready?.status === 'True' ? 'Ready' : (ready?.reason ?? '')));
    }
    await Promise.all(writes);
    this.lastRoundMs = Date.now() - started;
  }

  private async write(names: KindNames, obj: KsitObject, next: object, phase: string): Promise<void> {
    const previous = obj.status ?? {};
    const text = canonical({ ...previous, ...next });
    const last = this.written.get(obj.metadata.uid);
    if (canonical(previous) === text || last?.text === text) return;
    if (!this.deps.isLeader()) return;
    try {
      await this.deps.kube.patchStatus(names, obj, next as Record<string, unknown>);
    } catch (err) {
      this.deps.log(`status of ${obj.kind} ${obj.metadata.namespace}/${obj.metadata.name} not written`, err);
      return;
    }
    this.written.set(obj.metadata.uid, { text, phase });
    const before =
      last?.phase ??
      (names === INTEGRATION_NAMES ? (previous.phase as string | undefined) : previousTargetPhase(previous));
    if (before !== phase) {
      const message = (next as { message?: string }).message ?? '';
      this.deps.event(
        obj,
        WARNING_PHASES.has(phase) || phase === 'Unreachable' ? 'Warning' : 'Normal',
        phase || 'Unknown',
        message,
      );
    }
  }
}

function previousTargetPhase(status: Record<string, unknown>): string | undefined {
  const ready = (status.conditions as { type: string; status: string; reason: string }[] | undefined)?.find(
    (c) => c.type === 'Ready',
  );
  return ready ? (ready.status === 'True' ? 'Ready' : ready.reason) : undefined;
}
