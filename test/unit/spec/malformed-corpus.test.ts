// The corpus of malformed spec files (test/faults/corpus/, plus binary files made here): each one is refused with
// problems that name a field or a line and carry no stack trace, both through the loader and through the real
// `ksit validate` process.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadSpecFiles, parseSpecText } from '../../../shared/spec/index.js';
import { PROJECT_ROOT } from './fixture-paths.js';

const CORPUS_DIR = join(PROJECT_ROOT, 'test', 'faults', 'corpus');
const CLI = join(PROJECT_ROOT, 'dist', 'client', 'cli.js');
const corpus = readdirSync(CORPUS_DIR).filter((name) => name.endsWith('.yaml'));

let binaryDir: string;
beforeAll(() => {
  binaryDir = mkdtempSync(join(tmpdir(), 'ksit-corpus-'));
  writeFileSync(join(binaryDir, 'nul-bytes.yaml'), Buffer.from('apiVersion: ksit.io/v1alpha1\nkind: Integ\0ration\n'));
  writeFileSync(
    join(binaryDir, 'invalid-utf8.yaml'),
    Buffer.from([0x6b, 0x69, 0x6e, 0x64, 0x3a, 0x20, 0xc3, 0x28, 0x0a]),
  );
  writeFileSync(join(binaryDir, 'utf16.yaml'), Buffer.from('\ufeffkind: Integration\n', 'utf16le'));
});
afterAll(() => rmSync(binaryDir, { recursive: true, force: true }));

describe('malformed spec files', () => {
  it('the corpus is there', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(25);
  });

  it.each(corpus)('%s: refused, every problem names a field or a line, no stack trace', async (name) => {
    const { problems } = await loadSpecFiles([join(CORPUS_DIR, name)]);
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) {
      expect(p.message).not.toMatch(/\n\s+at\s|node_modules|\.js:\d+/);
      expect(p.field !== '' || p.line !== undefined || p.document === 0).toBe(true);
    }
  });

  it('binary and non-UTF-8 files are refused as such', async () => {
    const { problems } = await loadSpecFiles([binaryDir]);
    expect(problems.map((p) => [p.file.replace(`${binaryDir}/`, ''), p.message])).toEqual([
      ['invalid-utf8.yaml', 'not a YAML file: it is not valid UTF-8 text'],
      ['nul-bytes.yaml', 'not a YAML file: it contains binary data (NUL bytes)'],
      ['utf16.yaml', 'not a YAML file: it contains binary data (NUL bytes)'],
    ]);
  });

  it('an alias with no anchor points at its line (a bug the fuzzer found: no line was given)', () => {
    const { problems } = parseSpecText(
      'apiVersion: ksit.io/v1alpha1\nkind: Integration\nspec:\n  x: *nowhere\n',
      'f.yaml',
    );
    expect(problems).toEqual([
      expect.objectContaining({ line: 4, message: expect.stringMatching(/Unresolved alias/) }),
    ]);
  });

  it('`ksit validate` on the whole corpus: exit 1, every file named, no stack trace', () => {
    const run = spawnSync(process.execPath, [CLI, 'validate', '-f', CORPUS_DIR, '-f', binaryDir], {
      encoding: 'utf8',
      timeout: 120_000,
      maxBuffer: 64 * 1024 * 1024, // huge-list.yaml alone makes thousands of problem lines
    });
    expect(run.status).toBe(1);
    expect(run.stderr).not.toContain('    at ');
    for (const name of corpus) expect(run.stderr).toContain(name);
  });
});
