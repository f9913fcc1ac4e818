// Numbers to tables and result files: percentiles, a plain-text table, bench/results/<name>.json.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../test/e2e/env/environment.js';

export const resultsDir = join(repoRoot, 'bench/results');

/** Nearest-rank percentile of unsorted numbers (p in 0..100); NaN for none. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export function printTable(title: string, head: string[], rows: (string | number)[][]): void {
  const cells = [head, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : c)))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  console.log(`\n${title}`);
  for (const [n, r] of cells.entries()) {
    console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
    if (n === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return '-';
  if (Number.isInteger(x)) return String(x);
  return Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2);
}

/**
 * Writes bench/results/<name>.json. `rows` are keyed (e.g. by monitor count): a run of some keys replaces those
 * rows and keeps the others, so `bench:monitoring -- 1000` can be re-run alone.
 */
export function writeResults<R extends { key: string }>(
  name: string,
  meta: Record<string, unknown>,
  rows: R[],
): string {
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `${name}.json`);
  const old = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { rows?: R[] }) : {};
  const fresh = new Set(rows.map((r) => r.key));
  const merged = [...(old.rows ?? []).filter((r) => !fresh.has(r.key)), ...rows];
  writeFileSync(file, `${JSON.stringify({ ...meta, rows: merged }, null, 2)}\n`);
  return file;
}

export function readResults<R>(name: string): { rows: R[] } & Record<string, unknown> {
  return JSON.parse(readFileSync(join(resultsDir, `${name}.json`), 'utf8')) as { rows: R[] };
}

/** `100,300,1000` -> [100, 300, 1000]. */
export function parseList(arg: string | undefined, fallback: number[]): number[] {
  if (!arg) return fallback;
  const list = arg.split(',').map((s) => Number(s.trim()));
  if (list.some((n) => !Number.isInteger(n) || n <= 0))
    throw new Error(`expected a list like 100,300,1000, got ${arg}`);
  return list;
}

/** Flags of the form --name value / --name=value after the positional argument. */
export function flag(name: string, fallback?: string): string | undefined {
  const args = process.argv.slice(2);
  for (const [i, a] of args.entries()) {
    if (a === `--${name}`) return args[i + 1];
    if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
  }
  return fallback;
}

export function hasFlag(name: string): boolean {
  return process.argv.slice(2).includes(`--${name}`);
}

export function positional(): string | undefined {
  const args = process.argv.slice(2);
  for (const [i, a] of args.entries()) {
    if (a.startsWith('--')) continue;
    const prev = args[i - 1];
    if (prev?.startsWith('--') && !prev.includes('=') && !BOOLEAN_FLAGS.has(prev.slice(2))) continue;
    return a;
  }
  return undefined;
}

const BOOLEAN_FLAGS = new Set(['cpu-prof', 'keep', 'no-floor']);

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function log(msg: string): void {
  console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);
}

/** Runs `fn` over `items` with at most `limit` at a time. */
export async function pool<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

/**
 * `--help` / `-h`: prints the usage and exits before a benchmark starts anything (the docs test runs every
 * documented command that way). Call it first thing after the imports.
 */
export function exitWithUsageIfAsked(usage: string): void {
  const args = process.argv.slice(2);
  if (!args.includes('--help') && !args.includes('-h')) return;
  process.stdout.write(`usage: ${usage}\n`);
  process.exit(0);
}

/** A missing or bad argument: the usage on stderr and exit 2, not a stack trace. */
export function exitWithUsage(problem: string, usage: string): never {
  process.stderr.write(`${problem}\nusage: ${usage}\n`);
  process.exit(2);
}
