import { describe, expect, it } from '@jest/globals';
import type { RolloutSpec } from '../../../shared/types.js';
import { planWaves, resolveMaxParallel } from '../../../workflows/rollout/plan-waves.js';

const fleet = [
  { name: 'cluster-1', labels: { env: 'canary' } },
  { name: 'cluster-2', labels: { env: 'staging' } },
  { name: 'cluster-3', labels: { env: 'staging' } },
  { name: 'cluster-4', labels: { env: 'prod' } },
  { name: 'cluster-5', labels: { env: 'prod' } },
  { name: 'cluster-6', labels: { env: 'dev' } },
];

const spec = (waves: Partial<RolloutSpec['waves'][number]>[]): RolloutSpec => ({
  waves: waves.map((w, i) => ({ name: `w${i}`, soakMs: 0, manualApproval: false, ...w })),
  progressDeadlineMs: 60_000,
  onFailure: 'rollback',
});

describe('planWaves', () => {
  it('without spec.rollout: one wave of every cluster at once', () => {
    const { waves, problems } = planWaves(undefined, fleet);
    expect(problems).toEqual([]);
    expect(waves).toHaveLength(1);
    expect(waves[0]).toMatchObject({ name: 'all', maxParallel: 6 });
    expect(waves[0]!.clusters).toHaveLength(6);
  });

  it('by name and by selector, in spec order, with an implicit last wave for the rest', () => {
    const { waves, problems } = planWaves(
      spec([
        { name: 'canary', clusters: ['cluster-1'] },
        { name: 'staging', selector: { matchLabels: { env: 'staging' } }, maxParallel: { count: 1 } },
        { name: 'prod', selector: { matchLabels: { env: 'prod' } }, maxParallel: { percent: 50 } },
      ]),
      fleet,
    );
    expect(problems).toEqual([]);
    expect(waves.map((w) => [w.name, w.clusters, w.maxParallel])).toEqual([
      ['canary', ['cluster-1'], 1],
      ['staging', ['cluster-2', 'cluster-3'], 1],
      ['prod', ['cluster-4', 'cluster-5'], 1],
      ['unmatched', ['cluster-6'], 1],
    ]);
  });

  it('a cluster matched by two waves is a problem, and stays in the first', () => {
    const { waves, problems } = planWaves(
      spec([
        { name: 'a', clusters: ['cluster-2'] },
        { name: 'b', selector: { matchLabels: { env: 'staging' } } },
      ]),
      fleet,
    );
    expect(problems).toEqual(['cluster cluster-2 is matched by waves "a" and "b"']);
    expect(waves[0]!.clusters).toEqual(['cluster-2']);
    expect(waves[1]!.clusters).toEqual(['cluster-3']);
  });

  it('keeps a wave that matches nothing, so wave indexes stay put', () => {
    const { waves } = planWaves(
      spec([
        { name: 'none', clusters: ['nope'] },
        { name: 'all', selector: { matchExpressions: [{ key: 'env', operator: 'Exists' }] } },
      ]),
      fleet,
    );
    expect(waves.map((w) => w.clusters.length)).toEqual([0, 6]);
  });
});

describe('resolveMaxParallel', () => {
  it.each([
    [undefined, 7, 7],
    [{ count: 2 }, 7, 2],
    [{ count: 20 }, 7, 7],
    [{ percent: 25 }, 7, 2],
    [{ percent: 25 }, 20, 5],
    [{ percent: 1 }, 3, 1],
    [{ percent: 100 }, 3, 3],
  ])('%j of %i clusters -> %i', (max, size, expected) => {
    expect(resolveMaxParallel(max, size)).toBe(expected);
  });
});
