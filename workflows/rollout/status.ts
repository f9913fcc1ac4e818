// The rollout as `ksit rollout status -o json` prints it. This shape is a contract (the CLI, the Kubernetes
// front door and scripts read it): add fields if you must, never rename or remove one.
import type { PlannedWave } from './plan-waves.js';
import type { ClusterView, RolloutPhase, RolloutState } from './state.js';

export interface RolloutStatus {
  name: string;
  revision: number;
  previousRevision: number;
  state: RolloutPhase;
  /** `index` counts from 1 (wave 2 of 3); 0 before the first wave starts. */
  wave: { index: number; name: string; total: number };
  message: string;
  /** `wave` is the wave's name; `revision` the one the cluster last reported at (null: none yet). */
  clusters: { name: string; wave: string; revision: number | null; phase: string }[];
}

export function rolloutStatus(
  name: string,
  s: RolloutState,
  plan: PlannedWave[],
  clusters: Record<string, ClusterView>,
): RolloutStatus {
  const waveOf = new Map(plan.flatMap((w) => w.clusters.map((c) => [c, w.name] as const)));
  const index = Math.min(s.waveIndex, plan.length - 1);
  return {
    name,
    revision: s.revision,
    previousRevision: s.previousRevision,
    state: s.phase,
    wave: { index: index + 1, name: plan[index]?.name ?? '', total: plan.length },
    message: s.message,
    clusters: Object.keys(clusters)
      .sort()
      .map((c) => ({
        name: c,
        wave: waveOf.get(c) ?? '',
        revision: clusters[c]?.revision ?? null,
        phase: clusters[c]?.phase ?? 'Pending',
      })),
  };
}
