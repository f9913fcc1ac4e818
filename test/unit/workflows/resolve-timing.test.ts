// When an Integration looks for its targets again: the period, and the backoff for a target not registered yet.
import { describe, expect, it } from '@jest/globals';
import { nextResolveMs, RESOLVE_EVERY_MS } from '../../../workflows/integration/resolve-timing.js';

describe('nextResolveMs', () => {
  it.each([
    [0, RESOLVE_EVERY_MS],
    [1, 5_000],
    [2, 10_000],
    [6, 160_000],
    [7, 300_000],
    [20, 300_000],
  ])('after %i resolves in a row with a target missing: %i ms', (missingChecks, ms) => {
    expect(nextResolveMs(missingChecks, RESOLVE_EVERY_MS)).toBe(ms);
  });

  it('is the period the caller gives when nothing is missing (5 minutes for runs from before the patch)', () => {
    expect(nextResolveMs(0, 5 * 60_000)).toBe(300_000);
  });
});
