// Every printing helper the commands share, so that a label, a selector or a duration reads the same in every
// verb: aligned tables and fields, JSON/YAML, ages, and phase colours (only on a terminal, and never when NO_COLOR
// is set: https://no-color.org).
import { createRequire } from 'node:module';
import type { LabelSelector, TargetSpec } from '../shared/types.js';

// YAML is loaded on first use (-o yaml): the listing's start-up does not pay for it.
const requireModule = createRequire(import.meta.url);
const toYaml = (data: unknown): string => (requireModule('yaml') as typeof import('yaml')).stringify(data);

export type OutputFormat = 'table' | 'wide' | 'json' | 'yaml';

export function useColour(stream: { isTTY?: boolean } = process.stdout): boolean {
  const noColor = process.env.NO_COLOR;
  return Boolean(stream.isTTY) && (noColor === undefined || noColor === '') && process.env.TERM !== 'dumb';
}

const PHASE_COLOUR: Record<string, number> = {
  Running: 32, // green
  Ready: 32,
  Degraded: 31, // red
  Failed: 31,
  NotReady: 31,
  Unreachable: 35, // magenta
  Installing: 33, // yellow
  Progressing: 33,
  Pending: 33,
  Paused: 90, // grey
};

/** The phase word in its colour when colours are on; unchanged otherwise. */
export function paintPhase(phase: string, colour = useColour()): string {
  const code = PHASE_COLOUR[phase];
  return colour && code ? `\u001b[${code}m${phase}\u001b[0m` : phase;
}

/**
 * kubectl-style columns: padded to the widest cell, three spaces apart. `paint` may decorate a cell after it is
 * padded (escape codes must not count towards the width).
 */
export function table(rows: string[][], paint: (column: number, text: string) => string = (_, t) => t): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  const lines = rows.map((row, r) =>
    row
      .map((cell, i) => {
        const padding = ' '.repeat(i === row.length - 1 ? 0 : (widths[i] ?? 0) - cell.length);
        return (r === 0 ? cell : paint(i, cell)) + padding;
      })
      .join('   ')
      .trimEnd(),
  );
  return `${lines.join('\n')}\n`;
}

export function formatData(data: unknown, format: 'json' | 'yaml'): string {
  return format === 'json' ? `${JSON.stringify(data, null, 2)}\n` : toYaml(data);
}

/** "5s", "3m", "2h", "4d": kubectl's AGE column. */
export function age(since: Date | string | undefined, now = Date.now()): string {
  if (since === undefined) return '<unknown>';
  const seconds = Math.max(0, Math.floor((now - new Date(since).getTime()) / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 120 * 60) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 48 * 3600) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}

/** "Label:   value" lines, values aligned: describe's layout. */
export function fields(pairs: [string, string][], indent = ''): string {
  const width = Math.max(...pairs.map(([key]) => key.length)) + 2;
  return pairs.map(([key, value]) => `${indent}${`${key}:`.padEnd(width)}${value}\n`).join('');
}

/** `k=v,k2=v2`, as kubectl prints labels; empty string for none. */
export function formatLabels(labels: Record<string, string> | undefined): string {
  return Object.entries(labels ?? {})
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}

/** kubectl's selector syntax: `env=prod,tier in (a,b),!legacy`. */
export function formatSelector(selector: LabelSelector): string {
  const parts = [formatLabels(selector.matchLabels)].filter(Boolean);
  for (const req of selector.matchExpressions ?? []) {
    if (req.operator === 'Exists') parts.push(req.key);
    else if (req.operator === 'DoesNotExist') parts.push(`!${req.key}`);
    else parts.push(`${req.key} ${req.operator.toLowerCase()} (${(req.values ?? []).join(',')})`);
  }
  return parts.join(',');
}

/** Where a target's kubeconfig comes from, never the kubeconfig itself. */
export function formatCredentials(credentials: TargetSpec['credentials']): string {
  return credentials.kind === 'secret'
    ? `Secret ${credentials.namespace}/${credentials.name}, key ${credentials.key}`
    : `kubeconfig file ${credentials.path}${credentials.context ? `, context ${credentials.context}` : ''}`;
}

/** "1 value", "3 values". */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
