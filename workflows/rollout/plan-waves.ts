// Wave planning: which clusters belong to which wave, and how many of a wave may change at once. Planned again
// from the current targets at every step, so a cluster registered mid-rollout lands in its wave. Pure.
import { matchesLabelSelector } from '../../shared/label-selector.js';
import type { MaxParallel, RolloutSpec } from '../../shared/types.js';

/** Clusters matched by no wave form this last wave. */
export const IMPLICIT_WAVE = 'unmatched';
/** The one wave of an Integration without `spec.rollout`, or of its first revision. */
export const ALL_AT_ONCE_WAVE = 'all';

export interface ClusterLabels {
  name: string;
  labels: Record<string, string>;
}

export interface PlannedWave {
  name: string;
  /** Sorted names; may be empty (kept so that wave indexes stay put; the rollout skips an empty wave). */
  clusters: string[];
  /** At least 1. */
  maxParallel: number;
  soakMs: number;
  manualApproval: boolean;
}

export interface WavePlan {
  waves: PlannedWave[];
  /** A cluster matched by two waves; the rollout holds until the spec or the target's labels are fixed. */
  problems: string[];
}

export function planWaves(rollout: RolloutSpec | undefined, clusters: ClusterLabels[]): WavePlan {
  const names = clusters.map((c) => c.name).sort();
  if (!rollout) return { waves: names.length > 0 ? [allAtOnce(names)] : [], problems: [] };
  const owner = new Map<string, string>();
  const problems: string[] = [];
  const members = rollout.waves.map((wave) => {
    const matched = clusters
      .filter((c) =>
        wave.clusters ? wave.clusters.includes(c.name) : matchesLabelSelector(c.labels, wave.selector ?? {}),
      )
      .map((c) => c.name)
      .sort();
    for (const name of matched) {
      const first = owner.get(name);
      if (first !== undefined) problems.push(`cluster ${name} is matched by waves "${first}" and "${wave.name}"`);
      else owner.set(name, wave.name);
    }
    return matched;
  });
  const waves: PlannedWave[] = [];
  rollout.waves.forEach((wave, i) => {
    const mine = (members[i] ?? []).filter((name) => owner.get(name) === wave.name);
    waves.push({
      name: wave.name,
      clusters: mine,
      maxParallel: resolveMaxParallel(wave.maxParallel, mine.length),
      soakMs: wave.soakMs,
      manualApproval: wave.manualApproval,
    });
  });
  const rest = names.filter((name) => !owner.has(name));
  if (rest.length > 0) {
    waves.push({ name: IMPLICIT_WAVE, clusters: rest, maxParallel: rest.length, soakMs: 0, manualApproval: false });
  }
  return { waves, problems };
}

export function allAtOnce(names: string[]): PlannedWave {
  return {
    name: ALL_AT_ONCE_WAVE,
    clusters: [...names].sort(),
    maxParallel: names.length,
    soakMs: 0,
    manualApproval: false,
  };
}

/** A count, or a percentage of the wave rounded up; never less than 1, never more than the wave. */
export function resolveMaxParallel(max: MaxParallel | undefined, size: number): number {
  if (size === 0) return 1;
  if (!max) return size;
  const n = 'count' in max ? max.count : Math.ceil((max.percent * size) / 100);
  return Math.min(size, Math.max(1, n));
}

export function waveOf(plan: PlannedWave[], cluster: string): number {
  return plan.findIndex((w) => w.clusters.includes(cluster));
}
