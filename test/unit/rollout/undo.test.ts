import { describe, expect, it } from '@jest/globals';
import type { IntegrationSpec } from '../../../shared/types.js';
import { undoTarget } from '../../../workflows/rollout/commands.js';
import { addRevision, type Revision } from '../../../workflows/rollout/revisions.js';
import { rolloutOf2 } from './fixtures.js';

const spec = { name: 'argocd' } as IntegrationSpec;
const kept = (n: number): Revision[] => {
  let revisions: Revision[] = [];
  for (let i = 0; i < n; i++) revisions = addRevision(revisions, spec, {}, `T${i}`).revisions;
  return revisions;
};

describe('rollout undo target', () => {
  it('goes back to the previous revision by default, or to the one asked for', () => {
    const r = rolloutOf2(); // revision 2 over previous revision 1
    expect(undoTarget(r, kept(2))).toBe(1);
    expect(undoTarget(r, kept(2), 2)).toBe(2); // revision 2 is still rolling out: undo may restart it
  });

  it('refuses with a message that says what to do', () => {
    const r = rolloutOf2();
    expect(() => undoTarget(undefined, [])).toThrow('no revision yet: nothing to undo');
    expect(() => undoTarget({ ...r, previousRevision: 0 }, kept(2))).toThrow('give --to-revision');
    expect(() => undoTarget(r, kept(2), 7)).toThrow('revision 7 is not kept; kept revisions: 1, 2');
    expect(() => undoTarget({ ...r, phase: 'Complete' }, kept(2), 2)).toThrow('already runs on every cluster');
  });
});
