import { describe, expect, it } from '@jest/globals';
import type { IntegrationSpec } from '../../../shared/types.js';
import {
  addRevision,
  canonicalJson,
  digest,
  historyOf,
  summarize,
  type Revision,
} from '../../../workflows/rollout/revisions.js';

const spec = (version: string, values: Record<string, unknown> = {}): IntegrationSpec => ({
  name: 'argocd',
  namespace: 'ksit-system',
  type: 'argocd',
  enabled: true,
  targetClusters: ['c1'],
  install: {
    method: 'helm',
    chart: { chart: 'argo-cd', version },
    releaseName: 'argocd',
    values,
    setValues: [],
    timeoutMs: 60_000,
  },
  toolNamespace: 'argocd',
  healthCheckIntervalMs: 30_000,
  gracePeriodMs: 0,
  components: [{ kind: 'Deployment', name: 'argocd-server' }],
  remediation: {},
});

describe('revisions', () => {
  it('numbers revisions from 1 and summarises chart, version and a values digest', () => {
    const { revisions, revision } = addRevision([], spec('1.0.0', { a: 1 }), { by: 'ann@host' }, 'T1');
    expect(revision).toBe(1);
    expect(historyOf(revisions)).toEqual([
      {
        revision: 1,
        by: 'ann@host',
        at: 'T1',
        summary: { chart: 'argo-cd', chartVersion: '1.0.0', valuesDigest: expect.stringMatching(/^[0-9a-f]{16}$/) },
      },
    ]);
  });

  it('the digest ignores key order but sees every value change', () => {
    const a = summarize(spec('1', { x: 1, y: { p: 'q', r: [1, 2] } })).valuesDigest;
    const b = summarize(spec('1', { y: { r: [1, 2], p: 'q' }, x: 1 })).valuesDigest;
    const c = summarize(spec('1', { y: { r: [1, 2], p: 'Q' }, x: 1 })).valuesDigest;
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
    expect(digest('')).toBe('cbf29ce484222325');
    expect(digest('a')).toBe('af63dc4c8601ec8c');
  });

  it('keeps the last 10, and any pinned older one', () => {
    let revisions: Revision[] = [];
    for (let i = 1; i <= 13; i++) revisions = addRevision(revisions, spec(`${i}.0.0`), {}, `T${i}`, [2]).revisions;
    expect(revisions.map((r) => r.revision)).toEqual([2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(revisions[0]!.by).toBe('unknown');
  });

  it('history never carries the spec (values may be secret)', () => {
    const { revisions } = addRevision([], spec('1', { password: 'hunter2' }), {}, 'T');
    expect(JSON.stringify(historyOf(revisions))).not.toContain('hunter2');
  });
});
