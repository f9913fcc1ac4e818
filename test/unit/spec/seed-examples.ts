// Pulls the YAML examples out of the seed documents (their YAML blocks, without the surrounding prose, are in test/fixtures/seeds), so the tests prove
// that what the original user guide told people to write still validates.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SeedExample {
  /** Seed file and first line of the block, e.g. "001-user-guide.md:297". */
  origin: string;
  text: string;
}

/**
 * Prose that leaked into two examples. The first replaced the `kind: Integration` line it stands on; the second
 * sits inside a `config:` snippet. Removing it (and, for the first, restoring the displaced line) is the only
 * change made to any seed example.
 */
export const LEAKED_PROSE: ReadonlyMap<string, string | undefined> = new Map([
  ['This installs ArgoCD on all 4 clusters and monitors their health from one place', 'kind: Integration'],
  ['Increase health check intervals or bump resource', undefined],
]);

export function cleanLeakedProse(text: string): string {
  return text
    .split('\n')
    .flatMap((line) => (LEAKED_PROSE.has(line) ? (LEAKED_PROSE.get(line) ?? []) : [line]))
    .join('\n');
}

/**
 * The text of every fenced block, with its first line number; kubectl heredocs are unwrapped. The guide's fences
 * are damaged in places (stray closing fences), so a fence with a language (```yaml) always opens a block and a
 * bare fence closes one if open, else opens one.
 */
function fencedBlocks(file: string, text: string): SeedExample[] {
  const lines = text.split('\n');
  const blocks: SeedExample[] = [];
  let start = -1;
  const close = (end: number) => {
    if (start >= 0) blocks.push({ origin: `${file}:${start + 1}`, text: lines.slice(start, end).join('\n') });
    start = -1;
  };
  lines.forEach((line, index) => {
    if (!line.startsWith('```')) return;
    if (line.length > 3) {
      close(index);
      start = index + 1;
    } else if (start >= 0) close(index);
    else start = index + 1;
  });
  return blocks.map((block) => {
    const heredoc = /<<EOF\n([\s\S]*?)\nEOF/.exec(block.text);
    return heredoc ? { ...block, text: heredoc[1]! } : block;
  });
}

/** Whole documents (they carry an apiVersion) from a seed file. */
export function seedDocuments(seedDir: string, file: string): SeedExample[] {
  return fencedBlocks(file, readFileSync(join(seedDir, file), 'utf8')).filter((b) =>
    b.text.includes('apiVersion: ksit.io/v1alpha1'),
  );
}

/** Snippets of an Integration's spec (`helmConfig:` or `config:` blocks) from a seed file. */
export function seedSnippets(seedDir: string, file: string): SeedExample[] {
  return fencedBlocks(file, readFileSync(join(seedDir, file), 'utf8')).filter(
    (b) => /^(helmConfig|config):$/m.test(cleanLeakedProse(b.text)) && !b.text.includes('apiVersion:'),
  );
}

/** Puts a snippet (from its `helmConfig:`/`config:` line on) in a minimal, otherwise valid Integration. */
export function embedSnippet(snippet: string, name: string, type: string): string {
  const lines = cleanLeakedProse(snippet).split('\n');
  const body = lines
    .slice(lines.findIndex((line) => /^(helmConfig|config):$/.test(line)))
    .filter((line) => !line.trimStart().startsWith('#') && line.trim() !== '');
  const isHelm = body[0] === 'helmConfig:';
  const indent = isHelm ? '    ' : '  ';
  return [
    'apiVersion: ksit.io/v1alpha1',
    'kind: Integration',
    `metadata: {name: ${name}}`,
    'spec:',
    `  type: ${type}`,
    '  targetClusters: [cluster-1]',
    ...(isHelm ? ['  autoInstall:'] : []),
    ...body.map((line) => indent + line),
  ].join('\n');
}
