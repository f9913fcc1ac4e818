// The CLI's shared tables and helpers: kind spellings (one table for every verb), formatting, deadlines.
import { describe, expect, test } from '@jest/globals';
import { timeoutFlag, withDeadline } from '../../../client/deadlines.js';
import { UsageError } from '../../../client/errors.js';
import { KINDS, parseKind } from '../../../client/kinds.js';
import { fields, formatCredentials, formatLabels, formatSelector, plural } from '../../../client/output.js';

describe('kinds', () => {
  test.each([
    ['integration', 'integration'],
    ['integrations', 'integration'],
    ['target', 'target'],
    ['targets', 'target'],
    ['integrationtarget', 'target'],
    ['integrationtargets', 'target'],
  ])('"%s" names the %s kind, for every verb that takes both', (word, kind) => {
    for (const verb of ['get', 'describe', 'delete']) {
      expect(parseKind(word, ['integration', 'target'], verb, 'usage')).toBe(kind);
    }
  });

  test('a verb refuses kinds it does not take, naming the ones it does', () => {
    expect(() => parseKind('target', ['integration'], 'pause', 'u')).toThrow('pause what? "target" (integration)');
    expect(() => parseKind(undefined, ['integration', 'target'], 'get', 'u')).toThrow(
      'get what? "" (integrations or targets)',
    );
    expect(() => parseKind('pods', ['integration', 'target'], 'describe', 'u')).toThrow(UsageError);
  });

  test('workflow ids and printed names come from the same row', () => {
    expect(KINDS.integration.workflowId('ns', 'argocd')).toBe('integration/ns/argocd');
    expect(KINDS.target.workflowId('ns', 'c1')).toBe('target/ns/c1');
    expect(KINDS.target.printed).toBe('integrationtarget');
  });
});

describe('formatting', () => {
  test('labels and selectors in kubectl syntax', () => {
    expect(formatLabels({ env: 'prod', tier: 'web' })).toBe('env=prod,tier=web');
    expect(formatLabels(undefined)).toBe('');
    expect(
      formatSelector({
        matchLabels: { env: 'prod' },
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['a', 'b'] },
          { key: 'legacy', operator: 'DoesNotExist' },
          { key: 'gpu', operator: 'Exists' },
        ],
      }),
    ).toBe('env=prod,tier in (a,b),!legacy,gpu');
  });

  test('credentials say where the kubeconfig is, never what is in it', () => {
    expect(
      formatCredentials({ kind: 'secret', namespace: 'ksit-system', name: 'c1-kubeconfig', key: 'kubeconfig' }),
    ).toBe('Secret ksit-system/c1-kubeconfig, key kubeconfig');
    expect(formatCredentials({ kind: 'file', path: '/k/c1.yaml', context: 'c1' })).toBe(
      'kubeconfig file /k/c1.yaml, context c1',
    );
  });

  test('fields align their values; plural counts', () => {
    expect(
      fields([
        ['Name', 'a'],
        ['Namespace', 'b'],
      ]),
    ).toBe('Name:      a\nNamespace: b\n');
    expect(plural(1, 'value')).toBe('1 value');
    expect(plural(3, 'value')).toBe('3 values');
  });
});

describe('deadlines', () => {
  test('--timeout takes durations and refuses anything else as bad usage', () => {
    expect(timeoutFlag(undefined, '10m', 'u')).toBe(600_000);
    expect(timeoutFlag('90s', '10m', 'u')).toBe(90_000);
    expect(() => timeoutFlag('soon', '10m', 'u')).toThrow('--timeout "soon" is not a duration like 90s or 10m');
  });

  test("withDeadline rejects with the caller's error when the promise is late, and passes results through", async () => {
    await expect(withDeadline(new Promise(() => undefined), 20, () => new Error('late'))).rejects.toThrow('late');
    await expect(withDeadline(Promise.resolve(7), 1_000, () => new Error('late'))).resolves.toBe(7);
  });
});
