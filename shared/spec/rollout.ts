// `spec.rollout`: how a change reaches the clusters, wave by wave. The schema checks what the YAML alone can show
// (shape, wave names, a cluster listed by name in two waves); a cluster matched by two waves through labels can
// only be seen against the targets, so workflows/rollout/plan-waves.ts reports that one.
import { z } from 'zod';
import type { LabelSelector, MaxParallel, RolloutSpec } from '../types.js';
import { dnsName, duration, isRecord, strictObject } from './fields.js';
import { labelSelector } from './label-selector.js';

export const ROLLOUT_DEFAULTS = { progressDeadlineMs: 10 * 60_000, onFailure: 'rollback' } as const;

const PERCENT = /^([1-9][0-9]?|100)%$/;

const maxParallel = z.union([z.int('expected a whole number').positive('must be 1 or more'), z.string()], {
  error: () => 'expected a number of clusters (2) or a percentage of the wave ("25%")',
});

const wave = strictObject({
  name: dnsName('a wave name', 63),
  clusters: z.array(dnsName('a cluster name')).min(1, 'needs at least one cluster').optional(),
  selector: labelSelector.optional(),
  maxParallel: maxParallel.optional(),
  soak: duration(0).optional(),
  approval: z.enum(['manual', 'auto']).optional(),
}).superRefine(
  (w, ctx) => {
    const hasClusters = w.clusters !== undefined;
    const hasSelector = w.selector !== undefined;
    if (hasClusters === hasSelector) {
      ctx.addIssue({
        code: 'custom',
        path: ['clusters'],
        message: hasClusters
          ? 'give clusters or selector, not both'
          : 'say which clusters: give clusters (target names) or selector (matchLabels, matchExpressions)',
      });
    }
    if (typeof w.maxParallel === 'string' && !PERCENT.test(w.maxParallel)) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxParallel'],
        message: `"${w.maxParallel}" is not a percentage from 1% to 100%; or give a number of clusters`,
      });
    }
  },
  { when: (payload) => isRecord(payload.value) },
);

export const rolloutSchema = strictObject({
  waves: z.array(wave).min(1, 'needs at least one wave; leave rollout out to change every cluster at once'),
  progressDeadline: duration(1_000).optional(),
  onFailure: z.enum(['rollback', 'pause']).optional(),
}).superRefine(
  (r, ctx) => {
    const waves = Array.isArray(r.waves) ? r.waves.filter(isRecord) : [];
    const seenWave = new Map<unknown, number>();
    const seenCluster = new Map<string, string>();
    waves.forEach((w, index) => {
      if (seenWave.has(w.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['waves', index, 'name'],
          message: `wave "${String(w.name)}" is named twice`,
        });
      }
      seenWave.set(w.name, index);
      const clusters = Array.isArray(w.clusters) ? w.clusters : [];
      clusters.forEach((cluster: unknown, i: number) => {
        if (typeof cluster !== 'string') return;
        const first = seenCluster.get(cluster);
        if (first !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['waves', index, 'clusters', i],
            message: `cluster "${cluster}" is already in wave "${first}"; a cluster belongs to one wave`,
          });
        }
        seenCluster.set(cluster, String(w.name));
      });
    });
  },
  { when: (payload) => isRecord(payload.value) },
);
export type RolloutInput = z.infer<typeof rolloutSchema>;

export function toRolloutSpec(input: RolloutInput): RolloutSpec {
  return {
    waves: input.waves.map((w) => ({
      name: w.name,
      ...(w.clusters ? { clusters: [...w.clusters] } : {}),
      ...(w.selector ? { selector: copySelector(w.selector) } : {}),
      ...(w.maxParallel !== undefined ? { maxParallel: toMaxParallel(w.maxParallel) } : {}),
      soakMs: w.soak ?? 0,
      manualApproval: w.approval === 'manual',
    })),
    progressDeadlineMs: input.progressDeadline ?? ROLLOUT_DEFAULTS.progressDeadlineMs,
    onFailure: input.onFailure ?? ROLLOUT_DEFAULTS.onFailure,
  };
}

function toMaxParallel(value: number | string): MaxParallel {
  return typeof value === 'number' ? { count: value } : { percent: Number(value.slice(0, -1)) };
}

/** Plain data only: workflows carry this. */
export function copySelector(selector: LabelSelector): LabelSelector {
  return {
    ...(selector.matchLabels ? { matchLabels: { ...selector.matchLabels } } : {}),
    ...(selector.matchExpressions
      ? {
          matchExpressions: selector.matchExpressions.map((req) => ({
            key: req.key,
            operator: req.operator,
            ...(req.values ? { values: [...req.values] } : {}),
          })),
        }
      : {}),
  };
}
