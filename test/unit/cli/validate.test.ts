import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { handleError, KsitError } from '../../../client/errors.js';
import { PROJECT_ROOT } from '../spec/fixture-paths.js';

const CLI = join(PROJECT_ROOT, 'dist', 'client', 'cli.js');

function ksit(...args: string[]) {
  const env = { ...process.env };
  delete env.KSIT_DEBUG;
  const run = spawnSync(process.execPath, [CLI, ...args], {
    cwd: PROJECT_ROOT,
    env,
    encoding: 'utf8',
    timeout: 20_000,
  });
  // Whatever happens, the user never sees a stack trace.
  expect(run.stderr).not.toContain('    at ');
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ksit-cli-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('ksit validate', () => {
  it('prints one summary line per document and exits 0 for the samples', () => {
    const { code, stdout, stderr } = ksit('validate', '-f', 'config/samples');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain(
      'ok  config/samples/argocd-production.yaml#1  Integration ksit-system/argocd-production  argocd -> 4 clusters, helm argo-cd@5.51.6\n',
    );
    expect(stdout).toContain('ok  config/samples/per-environment.yaml#2  Integration ksit-system/argocd-prod-env');
    expect(stdout).toContain('IntegrationTarget ksit-system/cluster-1  cluster cluster-1');
    const files = readdirSync(join(PROJECT_ROOT, 'config', 'samples')).filter((name) => name.endsWith('.yaml'));
    const lines = stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(files.length);
    expect(lines.every((line) => line.startsWith('ok  '))).toBe(true);
  });

  it('accepts several -f options', () => {
    const { code, stdout } = ksit(
      'validate',
      '-f',
      'config/samples/cluster-1.yaml',
      '--file',
      'config/samples/istio-mesh.yaml',
    );
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(2);
  });

  it('prints every problem as FILE#DOC  FIELD: MESSAGE and exits 1', () => {
    const { code, stdout, stderr } = ksit(
      'validate',
      '-f',
      'test/fixtures/invalid/bad-duration.yaml',
      '-f',
      'test/fixtures/invalid/unknown-type.yaml',
      '-f',
      'config/samples/cluster-1.yaml',
    );
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(
      'test/fixtures/invalid/bad-duration.yaml#1  spec.config.healthCheckInterval: "30 seconds" is not a duration',
    );
    expect(stderr).toContain('test/fixtures/invalid/unknown-type.yaml#1  spec.type: unknown type "vault"');
    expect(stderr).toMatch(/2 problems found/);
  });

  it('reports duplicates across files', () => {
    const { code, stderr } = ksit(
      'validate',
      '-f',
      'test/fixtures/invalid/duplicate-a.yaml',
      '-f',
      'test/fixtures/invalid/duplicate-b.yaml',
    );
    expect(code).toBe(1);
    expect(stderr).toContain(
      'duplicate-b.yaml#1  metadata.name: duplicate Integration ksit-system/argocd: also defined in test/fixtures/invalid/duplicate-a.yaml#1',
    );
  });

  it.each([
    'empty.yaml',
    'json-array.json',
    'plain-string.yaml',
    'leaked-prose.yaml',
    'numeric-version.yaml',
    'typo.yaml',
  ])('fails cleanly on %s', (name) => {
    const { code, stderr } = ksit('validate', '-f', `test/fixtures/invalid/${name}`);
    expect(code).toBe(1);
    expect(stderr).toContain(`test/fixtures/invalid/${name}`);
  });

  it('fails cleanly on a missing file, a binary file and a 50 MB file', () => {
    const binary = join(dir, 'binary.yaml');
    writeFileSync(binary, Buffer.from([0, 1, 2, 3, 0xff]));
    const big = join(dir, 'big.yaml');
    writeFileSync(big, '');
    truncateSync(big, 50 * 1024 * 1024);
    const { code, stderr } = ksit('validate', '-f', join(dir, 'missing.yaml'), '-f', binary, '-f', big);
    expect(code).toBe(1);
    expect(stderr).toContain('missing.yaml  cannot read: no such file');
    expect(stderr).toContain('binary.yaml  not a YAML file');
    expect(stderr).toContain('big.yaml  file is 50.0 MB; spec files are limited to 10 MB');
  });

  it('exits 2 without -f', () => {
    const { code, stderr } = ksit('validate');
    expect(code).toBe(2);
    expect(stderr).toContain('validate needs at least one -f FILE');
    expect(stderr).toContain('usage: ksit validate -f FILE');
  });

  it('exits 2 on an unknown option', () => {
    const { code, stderr } = ksit('validate', '--fil', 'x.yaml');
    expect(code).toBe(2);
    expect(stderr).toMatch(/--fil/);
  });

  it('prints its own help', () => {
    const { code, stdout } = ksit('validate', '--help');
    expect(code).toBe(0);
    expect(stdout).toContain('usage: ksit validate -f FILE');
  });
});

describe('ksit', () => {
  it('lists its commands with --help', () => {
    const { code, stdout } = ksit('--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(/commands:\n(\s+\w+\s+.+\n)*\s+validate\s+check/);
    for (const command of ['apply', 'get', 'validate']) expect(stdout).toMatch(new RegExp(`^\\s+${command}\\s`, 'm'));
  });

  it('exits 2 with the command list when run without a command', () => {
    const { code, stderr } = ksit();
    expect(code).toBe(2);
    expect(stderr).toContain('validate');
  });

  it('exits 2 on an unknown command', () => {
    const { code, stderr } = ksit('aply', '-f', 'x.yaml');
    expect(code).toBe(2);
    expect(stderr).toContain('unknown command "aply"');
  });
});

describe('handleError', () => {
  const capture = () => {
    let text = '';
    return { write: (chunk: string) => (text += chunk), text: () => text };
  };

  it('prints problems and the message of a KsitError, with its exit code', () => {
    const out = capture();
    const problem = { file: 'a.yaml', document: 2, field: 'spec.type', message: 'required', line: 7 };
    expect(handleError(new KsitError('1 problem found', { problems: [problem] }), out)).toBe(1);
    expect(out.text()).toBe('a.yaml#2  spec.type: required (line 7)\nksit: 1 problem found\n');
  });

  it('reports an unexpected error in one line, without its stack', () => {
    const out = capture();
    const previous = process.env.KSIT_DEBUG;
    delete process.env.KSIT_DEBUG;
    try {
      expect(handleError(new TypeError('boom'), out)).toBe(1);
    } finally {
      if (previous !== undefined) process.env.KSIT_DEBUG = previous;
    }
    expect(out.text()).toContain('ksit: unexpected error: boom');
    expect(out.text()).not.toContain('    at ');
  });
});
