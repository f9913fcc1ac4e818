// Finds the commands the docs tell a user to run: every line of a shell code block, and inline code spans that
// start with one of ksit's own commands (npm, npx, ksit, node, deploy/local/...), in every Markdown file of the
// repository. Pure text handling; doc-commands.test.ts decides what to run for each.
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface DocCommand {
  /** file:line, for messages. */
  where: string;
  /** The command as written, comments and prompts removed, continuation lines joined. */
  text: string;
}

/** Directories whose Markdown is not ksit's documentation (dependencies, build output, the seed operator's docs). */
const NOT_DOCS = new Set(['node_modules', 'dist', '.git', '.ksit', 'fixtures', 'results']);

export function markdownFiles(root: string, dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return NOT_DOCS.has(entry.name) ? [] : markdownFiles(root, join(dir, entry.name));
    return entry.name.endsWith('.md') ? [relative(root, join(dir, entry.name))] : [];
  });
}

const SHELL_BLOCKS = new Set(['', 'bash', 'sh', 'shell', 'console', 'zsh']);
/** Inline code spans that are a command of ksit's own (external tools are only checked in code blocks). */
const OWN_COMMAND = /^(npm |npx |ksit |node |bash deploy\/|deploy\/local\/|bin\/ksit)/;

/** `  # comment` at the end of a line, or a whole comment line (a # inside a word stays). */
const stripComment = (line: string) => line.replace(/(^|\s)#.*$/, '').trim();

/** Whether shell text ends inside a single- or double-quoted string. */
function openQuote(text: string): boolean {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote === undefined && c === '\\') i++;
    else if (quote === undefined && (c === "'" || c === '"')) quote = c;
    else if (c === quote && !(quote === '"' && text[i - 1] === '\\')) quote = undefined;
  }
  return quote !== undefined;
}

export function extractCommands(markdown: string, file: string): DocCommand[] {
  const found: DocCommand[] = [];
  const lines = markdown.split('\n');
  let block: string | undefined; // the language of the open code block, if any
  let pending = '';
  let pendingLine = 0;
  lines.forEach((raw, i) => {
    const fence = /^\s*```(\S*)/.exec(raw);
    if (fence) {
      block = block === undefined ? (fence[1] ?? '') : undefined;
      return;
    }
    if (block !== undefined) {
      if (!SHELL_BLOCKS.has(block)) return;
      // Inside a quote opened on an earlier line (a script passed to `node -e '...'`) the line is data, not shell.
      const quoted = openQuote(pending);
      const line = quoted ? raw : stripComment(raw.replace(/^\s*\$ /, ''));
      if (pending === '') pendingLine = i + 1;
      if (line.endsWith('\\') && !quoted) {
        pending += `${line.slice(0, -1)} `;
        return;
      }
      if (openQuote(pending + line)) {
        pending += `${line}\n`;
        return;
      }
      const text = (pending + line).trim();
      pending = '';
      if (text) found.push({ where: `${file}:${pendingLine}`, text });
      return;
    }
    for (const span of raw.matchAll(/`([^`]+)`/g)) {
      const text = span[1]!.trim();
      if (OWN_COMMAND.test(text)) found.push({ where: `${file}:${i + 1}`, text });
    }
  });
  return found;
}

/**
 * Splits a command line into simple commands (at &&, ||, ;, a pipe between spaces and a trailing &) and each into
 * words, dropping leading VAR=value assignments. `a|b` without spaces is docs syntax for "a or b" and stays a word.
 */
export function simpleCommands(text: string): string[][] {
  return text
    .split(/\s(?:&&|\|\||;|\|)\s|;\s*$|\s&\s*$/)
    .map((part) =>
      part
        .trim()
        .replace(/&$/, '')
        .split(/\s+/)
        .filter((word) => word !== ''),
    )
    .map((words) => {
      let first = 0;
      while (first < words.length && /^[A-Z_][A-Z0-9_]*=/.test(words[first]!)) first++;
      return words.slice(first);
    })
    .filter((words) => words.length > 0);
}

/** Words that are placeholders in the docs (FILE, NAME, <pid>, C, ...), not real arguments. */
export function isPlaceholder(word: string): boolean {
  return /^[A-Z][A-Z_.]*$/.test(word) || /[<>[\]]/.test(word) || word.includes('...');
}
