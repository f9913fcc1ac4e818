// The pure helpers under shared/: phase aggregation, label selectors, Kubernetes version ranges.
import { describe, expect, it } from '@jest/globals';
import { parseKubeVersion, satisfiesRange } from '../../../shared/kube-version.js';
import { matchesLabelSelector } from '../../../shared/label-selector.js';
import { aggregatePhase } from '../../../shared/phases.js';
import type { ClusterPhase, ClusterStatus } from '../../../shared/types.js';

const cluster = (name: string, phase: ClusterPhase, message = 'm'): ClusterStatus => ({
  cluster: name,
  phase,
  message,
  components: [],
  transitions: [],
});

describe('aggregatePhase', () => {
  it('shows the worst phase, with the cluster and its message', () => {
    const r = aggregatePhase([
      cluster('a', 'Running'),
      cluster('b', 'Degraded', 'x: 0/1 ready'),
      cluster('c', 'Unreachable'),
    ]);
    expect(r).toEqual({ phase: 'Degraded', message: '1/3 clusters Running; b: Degraded: x: 0/1 ready' });
  });
  it('Failed beats Degraded beats Unreachable; Paused beats only Running', () => {
    expect(aggregatePhase([cluster('a', 'Degraded'), cluster('b', 'Failed')]).phase).toBe('Failed');
    expect(aggregatePhase([cluster('a', 'Unreachable'), cluster('b', 'Degraded')]).phase).toBe('Degraded');
    expect(aggregatePhase([cluster('a', 'Running'), cluster('b', 'Paused')]).phase).toBe('Paused');
  });
  it('all Running', () => {
    expect(aggregatePhase([cluster('a', 'Running'), cluster('b', 'Running')])).toEqual({
      phase: 'Running',
      message: '2/2 clusters Running',
    });
  });
  it('no clusters: Pending, or Failed naming the missing targets', () => {
    expect(aggregatePhase([]).phase).toBe('Pending');
    expect(aggregatePhase([], ['prod-9'])).toEqual({ phase: 'Failed', message: 'no IntegrationTarget named prod-9' });
    expect(aggregatePhase([cluster('a', 'Running')], ['prod-9']).message).toBe(
      '1/1 clusters Running; no IntegrationTarget named prod-9',
    );
  });
});

describe('matchesLabelSelector (targetSelector)', () => {
  const labels = { env: 'prod', region: 'eu' };
  it.each<[string, Parameters<typeof matchesLabelSelector>[1], boolean]>([
    ['matchLabels', { matchLabels: { env: 'prod' } }, true],
    ['matchLabels mismatch', { matchLabels: { env: 'dev' } }, false],
    ['In', { matchExpressions: [{ key: 'region', operator: 'In', values: ['eu', 'us'] }] }, true],
    ['NotIn', { matchExpressions: [{ key: 'region', operator: 'NotIn', values: ['eu'] }] }, false],
    ['NotIn on a missing key', { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['x'] }] }, true],
    ['Exists', { matchExpressions: [{ key: 'env', operator: 'Exists' }] }, true],
    ['DoesNotExist', { matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] }, false],
    [
      'both must hold',
      { matchLabels: { env: 'prod' }, matchExpressions: [{ key: 'region', operator: 'In', values: ['us'] }] },
      false,
    ],
    ['empty selector matches all', {}, true],
  ])('%s', (_, selector, expected) => {
    expect(matchesLabelSelector(labels, selector)).toBe(expected);
  });
});

describe('Kubernetes version ranges', () => {
  it('parses server versions', () => {
    expect(parseKubeVersion('v1.36.3')).toEqual({ major: 1, minor: 36 });
    expect(parseKubeVersion('v1.29.5-gke.100')).toEqual({ major: 1, minor: 29 });
    expect(parseKubeVersion('banana')).toBeUndefined();
  });
  it.each<[string, string, boolean]>([
    ['v1.36', '>=1.23', true],
    ['v1.22', '>=1.23', false],
    ['v1.36', '>=1.24 <1.31', false],
    ['v1.30', '>=1.24 <1.31', true],
    ['v1.30', '=1.30', true],
    ['v1.30', '1.30', true],
    ['v2.0', '>1.99', true],
    ['v1.30', '>=one', false],
  ])('%s in "%s" -> %s', (version, range, ok) => {
    expect(satisfiesRange(parseKubeVersion(version)!, range)).toBe(ok);
  });
});
