import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, truncateSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSpecFiles, MAX_SPEC_FILE_BYTES } from '../../../shared/spec/index.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ksit-spec-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const TARGET = 'apiVersion: ksit.io/v1alpha1\nkind: IntegrationTarget\nmetadata: {name: c1}\nspec: {clusterName: c1}\n';

describe('loadSpecFiles', () => {
  it('refuses a 50 MB file quickly, naming the limit', async () => {
    const big = join(dir, 'big.yaml');
    writeFileSync(big, TARGET);
    truncateSync(big, 50 * 1024 * 1024);
    const started = Date.now();
    const result = await loadSpecFiles([big]);
    expect(Date.now() - started).toBeLessThan(500);
    expect(result.problems).toEqual([expect.objectContaining({ file: big, document: 0 })]);
    expect(result.problems[0]!.message).toContain('limited to 10 MB');
  });

  it('accepts a file just under the limit', async () => {
    const file = join(dir, 'padded.yaml');
    writeFileSync(file, TARGET + '#'.repeat(1024) + '\n');
    expect((await loadSpecFiles([file])).problems).toEqual([]);
    expect(MAX_SPEC_FILE_BYTES).toBe(10 * 1024 * 1024);
  });

  it('refuses binary data', async () => {
    const file = join(dir, 'binary.yaml');
    writeFileSync(file, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00, 0xff, 0xfe]));
    const result = await loadSpecFiles([file]);
    expect(result.problems[0]!.message).toMatch(/not a YAML file/);
  });

  it('refuses text that is not UTF-8', async () => {
    const file = join(dir, 'latin1.yaml');
    writeFileSync(file, Buffer.from('kind: Caf\xe9\n', 'latin1'));
    expect((await loadSpecFiles([file])).problems[0]!.message).toMatch(/not valid UTF-8/);
  });

  it('reports a missing file', async () => {
    const result = await loadSpecFiles([join(dir, 'nope.yaml')]);
    expect(result.problems[0]).toMatchObject({ document: 0, message: 'cannot read: no such file' });
  });

  it('reads every .yaml file of a directory, and says when there is none', async () => {
    const specs = join(dir, 'specs');
    const empty = join(dir, 'empty-dir');
    mkdirSync(specs);
    mkdirSync(empty);
    writeFileSync(join(specs, 'a.yaml'), TARGET);
    writeFileSync(join(specs, 'b.yml'), TARGET.replaceAll('c1', 'c2'));
    writeFileSync(join(specs, 'notes.md'), '# not a spec');
    const result = await loadSpecFiles([specs, empty]);
    expect(result.targets.map((t) => t.name)).toEqual(['c1', 'c2']);
    expect(result.problems).toEqual([
      expect.objectContaining({ file: empty, message: 'directory has no .yaml or .yml files' }),
    ]);
  });

  it('numbers documents by position and skips empty ones', async () => {
    const file = join(dir, 'multi.yaml');
    writeFileSync(file, `---\n${TARGET}---\n# nothing here\n---\n${TARGET.replaceAll('c1', 'c2')}---\n`);
    const result = await loadSpecFiles([file]);
    expect(result.problems).toEqual([]);
    expect(result.documents.map((d) => [d.spec.name, d.document])).toEqual([
      ['c1', 1],
      ['c2', 3],
    ]);
  });

  it('reports a file of comments only', async () => {
    const file = join(dir, 'comments.yaml');
    writeFileSync(file, '# just a comment\n');
    expect((await loadSpecFiles([file])).problems[0]!.message).toMatch(/no documents/);
  });
});
