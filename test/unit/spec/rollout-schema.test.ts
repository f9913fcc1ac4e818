import { describe, expect, it } from '@jest/globals';
import { validateDocument } from '../../../shared/spec/index.js';

const doc = (rollout: unknown) => ({
  apiVersion: 'ksit.io/v1alpha1',
  kind: 'Integration',
  metadata: { name: 'argocd' },
  spec: { type: 'argocd', targetSelector: { matchLabels: { tool: 'argocd' } }, rollout },
});

function problems(rollout: unknown): { field: string; message: string }[] {
  const r = validateDocument(doc(rollout));
  if (r.ok) return [];
  return r.problems.map((p) => ({ field: p.path.join('.'), message: p.message }));
}

describe('spec.rollout', () => {
  it('normalizes the example of the issue, with defaults', () => {
    const r = validateDocument(
      doc({
        waves: [
          { name: 'canary', clusters: ['cluster-1'] },
          {
            name: 'staging',
            selector: { matchLabels: { env: 'staging' } },
            maxParallel: 2,
            soak: '10m',
            approval: 'manual',
          },
          { name: 'prod', selector: { matchLabels: { env: 'prod' } }, maxParallel: '25%' },
        ],
        progressDeadline: '15m',
        onFailure: 'pause',
      }),
    );
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(r.document.kind === 'Integration' && r.document.spec.rollout).toEqual({
      waves: [
        { name: 'canary', clusters: ['cluster-1'], soakMs: 0, manualApproval: false },
        {
          name: 'staging',
          selector: { matchLabels: { env: 'staging' } },
          maxParallel: { count: 2 },
          soakMs: 600_000,
          manualApproval: true,
        },
        {
          name: 'prod',
          selector: { matchLabels: { env: 'prod' } },
          maxParallel: { percent: 25 },
          soakMs: 0,
          manualApproval: false,
        },
      ],
      progressDeadlineMs: 900_000,
      onFailure: 'pause',
    });
    const plain = validateDocument(doc({ waves: [{ name: 'a', clusters: ['x'] }] }));
    expect(plain.ok && plain.document.kind === 'Integration' && plain.document.spec.rollout).toMatchObject({
      progressDeadlineMs: 600_000,
      onFailure: 'rollback',
    });
  });

  it.each([
    [{ waves: [] }, 'spec.rollout.waves', /at least one wave/],
    [{ waves: [{ name: 'a' }] }, 'spec.rollout.waves.0.clusters', /give clusters \(target names\) or selector/],
    [
      { waves: [{ name: 'a', clusters: ['x'], selector: { matchLabels: { e: 'x' } } }] },
      'spec.rollout.waves.0.clusters',
      /not both/,
    ],
    [
      {
        waves: [
          { name: 'a', clusters: ['x'] },
          { name: 'b', clusters: ['y', 'x'] },
        ],
      },
      'spec.rollout.waves.1.clusters.1',
      /"x" is already in wave "a"/,
    ],
    [
      {
        waves: [
          { name: 'a', clusters: ['x'] },
          { name: 'a', clusters: ['y'] },
        ],
      },
      'spec.rollout.waves.1.name',
      /named twice/,
    ],
    [
      { waves: [{ name: 'a', clusters: ['x'], maxParallel: '150%' }] },
      'spec.rollout.waves.0.maxParallel',
      /percentage from 1% to 100%/,
    ],
    [
      { waves: [{ name: 'a', clusters: ['x'], maxParallel: 0 }] },
      'spec.rollout.waves.0.maxParallel',
      /must be 1 or more/,
    ],
    [{ waves: [{ name: 'a', clusters: ['x'], soak: '10 minutes' }] }, 'spec.rollout.waves.0.soak', /not a duration/],
    [{ waves: [{ name: 'a', clusters: ['x'], approval: 'yes' }] }, 'spec.rollout.waves.0.approval', /manual, auto/],
    [{ waves: [{ name: 'a', clusters: ['x'] }], onFailure: 'retry' }, 'spec.rollout.onFailure', /rollback, pause/],
    [
      { waves: [{ name: 'a', clusters: ['x'] }], progresDeadline: '1m' },
      'spec.rollout.progresDeadline',
      /did you mean "progressDeadline"/,
    ],
  ])('%j -> %s', (rollout, field, message) => {
    const found = problems(rollout);
    expect(found).toContainEqual({ field, message: expect.stringMatching(message) });
  });
});
