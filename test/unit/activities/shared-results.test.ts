// Preflight answers shared per cluster during a ramp: one call per key at a time and within the TTL, failures
// never kept.
import { describe, expect, test } from '@jest/globals';
import { SharedResults } from '../../../activities/kube/shared-results.js';

describe('shared results', () => {
  test('callers at the same moment and within the TTL share one call; after it, a new one is made', async () => {
    let now = 0;
    const shared = new SharedResults<number>(10_000, () => now);
    let calls = 0;
    const load = async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 20));
      return calls;
    };
    const answers = await Promise.all(Array.from({ length: 50 }, () => shared.get('c1', load)));
    expect(new Set(answers)).toEqual(new Set([1]));
    now = 9_999;
    expect(await shared.get('c1', load)).toBe(1);
    expect(await shared.get('c2', load)).toBe(2); // another key asks for itself
    now = 10_000;
    expect(await shared.get('c1', load)).toBe(3);
    expect(calls).toBe(3);
  });

  test('a failure reaches every waiting caller and is not kept', async () => {
    const shared = new SharedResults<string>(10_000);
    let fail = true;
    const load = async () => {
      if (fail) throw new Error('unreachable');
      return 'ok';
    };
    await expect(Promise.all([shared.get('c', load), shared.get('c', load)])).rejects.toThrow('unreachable');
    fail = false;
    expect(await shared.get('c', load)).toBe('ok');
  });
});
