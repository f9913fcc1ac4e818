// What an Integration workflow keeps in its Temporal memo so that `ksit get integrations` reads the whole fleet
// from one visibility list instead of asking every workflow by query (1,000 queries, each a workflow task on a
// worker). Pure: the workflow writes it, the CLI reads it back.
import type { ClusterStatus, IntegrationStatus } from './types.js';

/** The memo key; part of the contract between workflows and the CLI. */
export const LISTING_MEMO_KEY = 'ksitStatus';

/** The listing's view of one Integration: no components or transitions (`ksit describe` asks for those). */
export interface ListingMemo {
  v: 1;
  name: string;
  namespace: string;
  type: IntegrationStatus['type'];
  phase: IntegrationStatus['phase'];
  message: string;
  paused: boolean;
  createdAt?: string;
  clusters: {
    cluster: string;
    phase: ClusterStatus['phase'];
    message: string;
    ready: number;
    total: number;
    /** When the phase or message last changed (the controller's lastTransitionTime); moves only with them. */
    since?: string;
    /** The spec revision the cluster runs (rollouts). */
    revision?: number;
  }[];
  /** spec.dependsOn keys, when there are any (the DEPENDS column). */
  dependsOn?: string[];
  /** The rollout's revision, state and wave (the ROLLOUT column). */
  rollout?: IntegrationStatus['rollout'];
}

/**
 * The memo for a status. lastCheckAt is left out on purpose: it changes on every check, and the memo is written
 * (one history event) only when what the listing shows changes.
 */
export function listingMemoOf(s: IntegrationStatus): ListingMemo {
  return {
    v: 1,
    name: s.name,
    namespace: s.namespace,
    type: s.type,
    phase: s.phase,
    message: s.message,
    paused: s.paused,
    createdAt: s.createdAt,
    clusters: s.clusters.map((c) => ({
      cluster: c.cluster,
      phase: c.phase,
      message: c.message,
      ready: c.components.filter((x) => x.healthy).length,
      total: c.components.length,
      ...(c.transitions.length ? { since: c.transitions.at(-1)!.at } : {}),
      ...(c.revision !== undefined ? { revision: c.revision } : {}),
    })),
    ...(s.dependsOn?.length ? { dependsOn: s.dependsOn } : {}),
    ...(s.rollout ? { rollout: s.rollout } : {}),
  };
}

/** The status a memo stands for, or undefined when the memo is absent or not one this CLI knows. */
export function statusFromListingMemo(memo: unknown): IntegrationStatus | undefined {
  if (!memo || typeof memo !== 'object') return undefined;
  const m = memo as Partial<ListingMemo>;
  if (m.v !== 1 || typeof m.name !== 'string' || typeof m.phase !== 'string' || !Array.isArray(m.clusters)) {
    return undefined;
  }
  return {
    name: m.name,
    namespace: m.namespace ?? '',
    type: m.type ?? 'custom',
    phase: m.phase,
    message: m.message ?? '',
    paused: m.paused ?? false,
    createdAt: m.createdAt,
    clusters: m.clusters.map(({ ready, total, since, ...c }) => ({
      ...c,
      ...(typeof since === 'string' ? { since } : {}),
      components: [],
      transitions: [],
      componentCounts: { ready: ready ?? 0, total: total ?? 0 },
    })),
    ...(Array.isArray(m.dependsOn) ? { dependsOn: m.dependsOn.filter((d) => typeof d === 'string') } : {}),
    ...(m.rollout && typeof m.rollout === 'object' ? { rollout: m.rollout } : {}),
  };
}
