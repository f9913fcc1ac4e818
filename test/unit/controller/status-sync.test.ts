// Which Integrations a status round asks by query: only those this controller changed within the last minute
// (their memo in visibility may predate the change); the rest of the fleet is read from its listing memos.
import { describe, expect, it } from '@jest/globals';
import { justChangedWorkflows } from '../../../controller/status-sync.js';
import type { Accepted } from '../../../controller/integration-status.js';
import type { KsitObject } from '../../../controller/kube-objects.js';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const object = (name: string): KsitObject => ({
  apiVersion: 'ksit.io/v1alpha1',
  kind: 'Integration',
  metadata: { name, namespace: 'team-a', uid: `uid-${name}` },
  spec: {},
});

describe('justChangedWorkflows', () => {
  it('names the Integrations accepted in the last minute, not older ones, unknown ones or ones from before a restart', () => {
    const accepted = new Map<string, Accepted>([
      ['uid-fresh', { generation: 2, atMs: NOW - 5_000 }],
      ['uid-old', { generation: 1, atMs: NOW - 61_000 }],
      ['uid-restart', { generation: 3, atMs: 0 }],
    ]);
    const ids = justChangedWorkflows(
      ['fresh', 'old', 'restart', 'never'].map(object),
      { accepted },
      NOW,
    );
    expect([...ids]).toEqual(['integration/team-a/fresh']);
  });
});
