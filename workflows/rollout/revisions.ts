// Revisions: every accepted spec change of an Integration is revision N. The Integration keeps the last few in its
// state (they survive continue-as-new) so that rollback and undo have the spec to go back to. Pure: workflow code.
import type { IntegrationSpec } from '../../shared/types.js';

export const KEEP_REVISIONS = 10;

/** Who changed the spec, as the client says (`user@host` for the CLI, the controller's name for the CR). */
export interface RevisionMeta {
  by?: string;
}

export interface RevisionSummary {
  /** Chart and version for Helm installs (`argo-cd 5.51.6`), the source for manifests; absent: monitor only. */
  chart?: string;
  chartVersion?: string;
  /** A digest of the Helm values (values file and --set keys): shows that values changed without showing them. */
  valuesDigest?: string;
}

export interface Revision {
  revision: number;
  spec: IntegrationSpec;
  by: string;
  at: string;
  summary: RevisionSummary;
}

/** What `ksit rollout history` shows: never the spec itself (values may hold secrets). */
export type RevisionEntry = Omit<Revision, 'spec'>;

export function summarize(spec: IntegrationSpec): RevisionSummary {
  const install = spec.install;
  if (!install) return {};
  if (install.method === 'manifest') return { chart: install.source };
  return {
    chart: install.chart.chart,
    ...(install.chart.version ? { chartVersion: install.chart.version } : {}),
    valuesDigest: digest(canonicalJson({ values: install.values, set: install.setValues })),
  };
}

/**
 * Adds `spec` as the next revision and drops the oldest beyond KEEP_REVISIONS, except those in `pinned` (the
 * revisions clusters run or may be rolled back to must stay known).
 */
export function addRevision(
  revisions: Revision[],
  spec: IntegrationSpec,
  meta: RevisionMeta,
  at: string,
  pinned: number[] = [],
): { revisions: Revision[]; revision: number } {
  const revision = (revisions.at(-1)?.revision ?? 0) + 1;
  const next = [...revisions, { revision, spec, by: meta.by || 'unknown', at, summary: summarize(spec) }];
  const keepFrom = next.length - KEEP_REVISIONS;
  return { revisions: next.filter((r, i) => i >= keepFrom || pinned.includes(r.revision)), revision };
}

export function findRevision(revisions: Revision[], revision: number): Revision | undefined {
  return revisions.find((r) => r.revision === revision);
}

export function historyOf(revisions: Revision[]): RevisionEntry[] {
  return revisions.map(({ revision, by, at, summary }) => ({ revision, by, at, summary }));
}

/** JSON with object keys sorted, so that equal values always give the same digest. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK = 0xffffffffffffffffn;

/**
 * 64-bit FNV-1a over the UTF-16 code units: workflow code has no crypto module, and this only has to tell
 * revisions apart, not resist an attacker. Shown as 16 hex digits.
 */
export function digest(text: string): string {
  let hash = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) {
    hash ^= BigInt(text.charCodeAt(i));
    hash = (hash * FNV_PRIME) & MASK;
  }
  return hash.toString(16).padStart(16, '0');
}
