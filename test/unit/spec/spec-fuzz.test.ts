// Property-based fuzzing of the spec parser and validator (what `ksit validate` and `ksit apply` run): generated
// documents never crash it, and every problem it reports is one a user can act on: a plain message (no stack
// trace, no source path) that names a field path or a line (or is about the whole file).
//
// Three generators: the samples in config/samples/ with random structural mutations (and sometimes random text
// edits on top), random YAML-looking token soup, and arbitrary text. Runs per property: KSIT_FUZZ_RUNS (default
// below, 11,000 documents in all); KSIT_FUZZ_SEED replays a run. The number of documents checked is printed.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { formatProblem, parseSpecText, validateDocument, type SpecProblem } from '../../../shared/spec/index.js';
import { SAMPLES_DIR } from './fixture-paths.js';

const scale = Number(process.env.KSIT_FUZZ_RUNS ?? 1) || 1;
const runs = (n: number) => Math.round(n * scale);
const seed = process.env.KSIT_FUZZ_SEED ? Number(process.env.KSIT_FUZZ_SEED) : undefined;
let checked = 0;
afterAll(() => console.log(`[fuzz] ${checked} generated documents checked (KSIT_FUZZ_RUNS=${scale})`));

/** Why a problem would not help a user, or undefined when it is fine. */
function unhelpful(problem: SpecProblem): string | undefined {
  const { message } = problem;
  if (typeof message !== 'string' || message.trim() === '') return 'empty message';
  if (/\n\s+at\s/.test(message) || /\bat .*:\d+:\d+\)?$/m.test(message)) return 'stack trace in the message';
  if (/node_modules|file:\/\/|\.(?:js|ts):\d+/.test(message)) return 'source location in the message';
  if (problem.field === '' && problem.line === undefined && problem.document !== 0) return 'names no field and no line';
  if (problem.line !== undefined && !(Number.isInteger(problem.line) && problem.line >= 1)) return 'bad line number';
  return undefined;
}

/** Parses the text as `ksit validate` does; fails the property (with the input) on a crash or a useless problem. */
function checkText(text: string): void {
  checked++;
  const result = parseSpecText(text, 'fuzz.yaml');
  for (const problem of result.problems) {
    const why = unhelpful(problem);
    if (why) throw new Error(`${why}: ${JSON.stringify(problem)}\n--- input ---\n${text}`);
    formatProblem(problem);
  }
}

// ---------- plausible documents, mutated ----------

const samples: unknown[] = readdirSync(SAMPLES_DIR)
  .filter((name) => name.endsWith('.yaml'))
  .flatMap((name) =>
    readFileSync(join(SAMPLES_DIR, name), 'utf8')
      .split(/^---$/m)
      .map((text) => parse(text) as unknown)
      .filter((doc) => doc !== null),
  );

/** Values that look like what users write in the wrong place. */
const plausibleValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(
    '30s',
    '1m30s',
    '30 seconds',
    '-5s',
    '0s',
    '5.51.6',
    5.51,
    '',
    ' ',
    'cluster-1',
    'Cluster_1',
    'a'.repeat(300),
    'argocd',
    'vault',
    'Deployment',
    'In',
    'ksit.io/v1alpha1',
    'ksit.io/v1',
    '>=1.26',
    '>=1.x',
    'https://x',
    'oci://r/c',
    'ftp://x',
    true,
    'yes',
    null,
    0,
    -1,
    1e300,
    Number.MAX_SAFE_INTEGER + 2,
    '__proto__',
    'constructor',
  ),
);
const key = fc.oneof(
  fc.constantFrom(
    'apiVersion',
    'kind',
    'metadata',
    'spec',
    'name',
    'namespace',
    'labels',
    'type',
    'targetClusters',
    'targetSelector',
    'matchLabels',
    'matchExpressions',
    'operator',
    'values',
    'autoInstall',
    'helmConfig',
    'version',
    'chart',
    'repository',
    'config',
    'components',
    'healthCheckInterval',
    'gracePeriod',
    'remediation',
    'clusterName',
    'kubeconfigSecret',
    'kubeconfigFile',
    'context',
    'a.b[0].c',
    '__proto__',
    'toString',
    '',
  ),
  fc.string({ maxLength: 12 }),
);

type Mutation =
  | { op: 'delete' | 'wrap' | 'stringify'; at: number }
  | { op: 'set'; at: number; value: unknown }
  | { op: 'add'; at: number; key: string; value: unknown };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constantFrom('delete' as const, 'wrap' as const, 'stringify' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: plausibleValue }),
  fc.record({ op: fc.constant('add' as const), at: fc.nat(), key, value: plausibleValue }),
);

/** Every (container, key) slot in a JSON tree, depth first. */
function slots(root: unknown): { parent: Record<string, unknown> | unknown[]; key: string | number }[] {
  const found: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    const entries: [string | number, unknown][] = Array.isArray(node) ? [...node.entries()] : Object.entries(node);
    for (const [key, child] of entries) {
      found.push({ parent: node as Record<string, unknown> | unknown[], key });
      walk(child);
    }
  };
  walk(root);
  return found;
}

function mutate(doc: unknown, mutations: Mutation[]): unknown {
  const root = { doc: structuredClone(doc) } as Record<string, unknown>;
  for (const m of mutations) {
    const all = [{ parent: root, key: 'doc' as string | number }, ...slots(root.doc)];
    const { parent, key: k } = all[m.at % all.length]!;
    const target = parent as Record<string | number, unknown>;
    if (m.op === 'delete') {
      if (Array.isArray(parent)) parent.splice(k as number, 1);
      else delete target[k];
    } else if (m.op === 'wrap') target[k] = [target[k]];
    else if (m.op === 'stringify') target[k] = JSON.stringify(target[k]) ?? 'null';
    else if (m.op === 'set') target[k] = m.value;
    else if (m.op === 'add') {
      const value = target[k];
      if (value && typeof value === 'object' && !Array.isArray(value))
        Object.defineProperty(value, m.key, { value: m.value, enumerable: true, configurable: true, writable: true });
    }
  }
  return root.doc;
}

/** Text edits after serialization: what a bad paste or a stray keystroke does to a YAML file. */
type Edit = { at: number; op: 'delete' | 'truncate' | 'dedent' } | { at: number; op: 'insert'; text: string };
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ at: fc.nat(), op: fc.constantFrom('delete' as const, 'truncate' as const, 'dedent' as const) }),
  fc.record({
    at: fc.nat(),
    op: fc.constant('insert' as const),
    text: fc.constantFrom(
      ':',
      ' ',
      '  ',
      '\t',
      '\n',
      '-',
      '- ',
      '{',
      '}',
      '[',
      ']',
      '"',
      "'",
      '#',
      '&a ',
      '*a',
      '!!str ',
      '|',
      '>',
      '---\n',
      '%YAML 1.2\n',
      '? ',
      ',',
      '\u00a0',
      '\ufeff',
      '\r',
    ),
  }),
);

function applyEdits(text: string, edits: Edit[]): string {
  let out = text;
  for (const e of edits) {
    const at = out.length === 0 ? 0 : e.at % out.length;
    if (e.op === 'delete') out = out.slice(0, at) + out.slice(at + 1);
    else if (e.op === 'truncate') out = out.slice(0, at);
    else if (e.op === 'dedent') out = out.slice(0, at).replace(/\n {2}$/, '\n') + out.slice(at);
    else if (e.op === 'insert') out = out.slice(0, at) + e.text + out.slice(at);
  }
  return out;
}

const plausibleText = fc
  .record({
    docs: fc.array(fc.record({ base: fc.nat(), mutations: fc.array(mutation, { maxLength: 4 }) }), {
      minLength: 1,
      maxLength: 3,
    }),
    edits: fc.oneof(fc.constant([] as Edit[]), fc.array(edit, { minLength: 1, maxLength: 3 })),
  })
  .map(({ docs, edits }) => {
    const text = docs.map((d) => stringify(mutate(samples[d.base % samples.length], d.mutations))).join('---\n');
    return applyEdits(text, edits);
  });

// ---------- YAML-looking token soup, and arbitrary text ----------

const token = fc.oneof(
  key.map((k) => `${k}: `),
  fc.constantFrom(
    '\n',
    '\n  ',
    '\n    ',
    '- ',
    ': ',
    '---\n',
    '...\n',
    '{',
    '}',
    '[',
    ']',
    ', ',
    '"',
    "'",
    '#c',
    '&a ',
    '*a',
    '&b ',
    '*b',
    '<<: *a',
    '!!map ',
    '!!binary ',
    '!custom ',
    '|\n  ',
    '>-\n  ',
    '? ',
    '%TAG ! tag:x,2000:\n',
    '\t',
    'ksit.io/v1alpha1',
    'Integration',
    'IntegrationTarget',
    '1.5',
    '0x1F',
    '.inf',
    '~',
    'null',
    'true',
  ),
  plausibleValue.map((v) => JSON.stringify(v) ?? ''),
);
const tokenSoup = fc.array(token, { maxLength: 60 }).map((tokens) => tokens.join(''));
const arbitraryText = fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 }));

describe('spec parser and validator fuzzing', () => {
  it(`samples with random mutations (${runs(6_000)} runs)`, () => {
    expect(samples.length).toBeGreaterThan(10);
    fc.assert(fc.property(plausibleText, checkText), { numRuns: runs(6_000), seed });
  });

  it(`YAML-looking token soup (${runs(2_500)} runs)`, () => {
    fc.assert(fc.property(tokenSoup, checkText), { numRuns: runs(2_500), seed });
  });

  it(`arbitrary text (${runs(1_500)} runs)`, () => {
    fc.assert(fc.property(arbitraryText, checkText), { numRuns: runs(1_500), seed });
  });

  it(`arbitrary values straight into validateDocument (${runs(1_000)} runs)`, () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.anything()), (value) => {
        checked++;
        const result = validateDocument(value);
        if (!result.ok) for (const p of result.problems) expect(typeof p.message).toBe('string');
      }),
      { numRuns: runs(1_000), seed },
    );
  });
});
