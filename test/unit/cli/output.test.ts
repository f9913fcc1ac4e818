// Pure parts of the CLI: global flags, colours, tables, the preflight checklist.
import { afterEach, describe, expect, test } from '@jest/globals';
import { applyGlobalFlags } from '../../../client/global-flags.js';
import { age, paintPhase, table, useColour } from '../../../client/output.js';
import { checklist } from '../../../client/commands/preflight.js';
import type { IntegrationSpec } from '../../../shared/types.js';

describe('global flags', () => {
  test('are taken from anywhere on the line, in both spellings, and set the environment', () => {
    const env: NodeJS.ProcessEnv = {};
    const rest = applyGlobalFlags(
      ['--address', 'temporal:7233', 'get', 'integrations', '--temporal-namespace=prod', '-o', 'json', '--no-color'],
      env,
    );
    expect(rest).toEqual(['get', 'integrations', '-o', 'json']);
    expect(env).toEqual({ TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_NAMESPACE: 'prod', NO_COLOR: '1' });
  });

  test('a global flag without a value is left for the command to reject', () => {
    const env: NodeJS.ProcessEnv = {};
    expect(applyGlobalFlags(['get', 'integrations', '--profile'], env)).toEqual(['get', 'integrations', '--profile']);
    expect(env).toEqual({});
  });
});

describe('colours', () => {
  const saved = process.env.NO_COLOR;
  afterEach(() => {
    if (saved === undefined) delete process.env.NO_COLOR;
    else process.env.NO_COLOR = saved;
  });

  test('only on a terminal, and never with NO_COLOR', () => {
    delete process.env.NO_COLOR;
    expect(useColour({ isTTY: true })).toBe(process.env.TERM !== 'dumb');
    expect(useColour({ isTTY: false })).toBe(false);
    process.env.NO_COLOR = '1';
    expect(useColour({ isTTY: true })).toBe(false);
  });

  test('phases get their colour, other words stay plain', () => {
    expect(paintPhase('Degraded', true)).toBe('\u001b[31mDegraded\u001b[0m');
    expect(paintPhase('Running', false)).toBe('Running');
    expect(paintPhase('2/2', true)).toBe('2/2');
  });

  test('escape codes do not break table alignment', () => {
    const rows = [
      ['NAME', 'PHASE', 'READY'],
      ['a', 'Running', '1/1'],
      ['bb', 'Degraded', '0/1'],
    ];
    const text = table(rows, (column, cell) => (column === 1 ? paintPhase(cell, true) : cell));
    const plain = text.replace(/\u001b\[\d+m/g, '');
    expect(plain).toBe('NAME   PHASE      READY\na      Running    1/1\nbb     Degraded   0/1\n');
  });
});

test('age reads like kubectl', () => {
  const now = Date.parse('2026-01-10T00:00:00Z');
  expect(age('2026-01-09T23:59:30Z', now)).toBe('30s');
  expect(age('2026-01-09T23:00:00Z', now)).toBe('60m');
  expect(age('2026-01-09T00:00:00Z', now)).toBe('24h');
  expect(age('2026-01-01T00:00:00Z', now)).toBe('9d');
  expect(age(undefined, now)).toBe('<unknown>');
});

describe('preflight checklist', () => {
  const spec = { namespace: 'ksit-system', name: 'argocd', type: 'argocd', install: undefined } as IntegrationSpec;
  const check = (name: string, ok: boolean) => ({ name, ok, detail: `${name} detail` });

  test('all checks passing is ready', () => {
    const result = { ok: true, serverVersion: 'v1.36.3', namespaceExists: true, checks: [check('rbac', true)] };
    const { text, ok } = checklist(spec, { clusters: [{ cluster: 'c1', result }], missing: [] });
    expect(ok).toBe(true);
    expect(text).toBe(
      'integration ksit-system/argocd (argocd, monitor only)\n  c1\n    [ ok ] rbac: rbac detail\n  ready\n',
    );
  });

  test('a failed check, an unreachable cluster or a missing target is not ready', () => {
    const result = { ok: false, serverVersion: 'v1.36.3', namespaceExists: true, checks: [check('rbac', false)] };
    expect(checklist(spec, { clusters: [{ cluster: 'c1', result }], missing: [] }).ok).toBe(false);
    const down = checklist(spec, { clusters: [{ cluster: 'c2', error: 'connection refused' }], missing: ['c3'] });
    expect(down.ok).toBe(false);
    expect(down.text).toContain('[FAIL] target c3: no IntegrationTarget of that name');
    expect(down.text).toContain('    [FAIL] cluster: connection refused');
    expect(checklist(spec, { clusters: [], missing: [] }).text).toContain('no target cluster matches');
  });
});
