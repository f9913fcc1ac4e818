// Targets come only from genuine target workflows, and a name two targets answer to is an error.
import { describe, expect, it } from '@jest/globals';
import { pickTarget, targetFromWorkflow } from '../../../activities/target-memo.js';
import type { TargetSpec } from '../../../shared/types.js';

const target = (name: string, clusterName: string, namespace = 'team-a'): TargetSpec => ({
  name,
  namespace,
  clusterName,
  labels: {},
  credentials: { kind: 'secret', namespace, name: `${clusterName}-kubeconfig`, key: 'kubeconfig' },
});

describe('targetFromWorkflow', () => {
  const t = target('c1', 'cluster-1');
  it('accepts a target workflow whose id matches its memo', () => {
    expect(targetFromWorkflow({ workflowId: 'target/team-a/c1', type: 'targetWorkflow', memo: { target: t } })).toEqual(
      t,
    );
  });
  it.each([
    ['another workflow type', { workflowId: 'target/team-a/c1', type: 'integrationWorkflow', memo: { target: t } }],
    [
      'an id that does not match the memo',
      { workflowId: 'target/team-b/c1', type: 'targetWorkflow', memo: { target: t } },
    ],
    [
      'a memo of the wrong shape',
      {
        workflowId: 'target/team-a/c1',
        type: 'targetWorkflow',
        memo: { target: { ...t, credentials: { kind: 'exec' } } },
      },
    ],
    [
      'a Secret of another namespace',
      {
        workflowId: 'target/team-a/c1',
        type: 'targetWorkflow',
        memo: { target: { ...t, credentials: { ...t.credentials, namespace: 'ksit-system' } } },
      },
    ],
  ])('ignores %s', (_, wf) => {
    expect(targetFromWorkflow(wf)).toBeUndefined();
  });
});

describe('pickTarget', () => {
  it('prefers metadata.name, then clusterName', () => {
    const a = target('a', 'cluster-1');
    expect(pickTarget([a], 'a')).toBe(a);
    expect(pickTarget([a], 'cluster-1')).toBe(a);
    expect(pickTarget([a], 'nope')).toBeUndefined();
  });
  it('refuses a name two targets answer to, naming both', () => {
    expect(pickTarget([target('a', 'x'), target('b', 'x')], 'x')).toBe(
      '"x" (ambiguous: targets a, b all answer to it; name one by its metadata.name)',
    );
    expect(pickTarget([target('x', 'one'), target('b', 'x')], 'x')).toContain('ambiguous: targets b, x');
  });
});
