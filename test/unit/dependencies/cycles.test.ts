import { describe, expect, it } from '@jest/globals';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findCycles, formatCycle } from '../../../shared/dependencies/cycles.js';
import { crossNamespaceProblems } from '../../../shared/dependencies/spec-problems.js';
import { loadSpecFiles, parseSpecText } from '../../../shared/spec/index.js';

const graph = (edges: Record<string, string[]>) => new Map(Object.entries(edges));

describe('findCycles', () => {
  it('finds none in a chain or a diamond', () => {
    expect(findCycles(graph({ a: ['b'], b: ['c'], c: [] }))).toEqual([]);
    expect(findCycles(graph({ top: ['l', 'r'], l: ['base'], r: ['base'], base: [] }))).toEqual([]);
  });

  it('finds a self-dependency, a pair and a three-cycle, each once and starting at its smallest key', () => {
    expect(findCycles(graph({ a: ['a'] }))).toEqual([['a']]);
    expect(findCycles(graph({ b: ['a'], a: ['b'] }))).toEqual([['a', 'b']]);
    expect(findCycles(graph({ c: ['a'], a: ['b'], b: ['c'], d: ['a'] }))).toEqual([['a', 'b', 'c']]);
  });

  it('finds separate cycles separately, and follows keys that have no entry', () => {
    const cycles = findCycles(graph({ a: ['b'], b: ['a'], x: ['y', 'missing'], y: ['x'] }));
    expect(cycles).toEqual([
      ['a', 'b'],
      ['x', 'y'],
    ]);
  });

  it('formats a cycle back to its start', () => {
    expect(formatCycle(['a', 'b', 'c'], (k) => k.toUpperCase())).toBe('A -> B -> C -> A');
  });
});

const integration = (name: string, deps: string[], namespace = 'team-a') =>
  [
    'apiVersion: ksit.io/v1alpha1',
    'kind: Integration',
    `metadata: {name: ${name}, namespace: ${namespace}}`,
    'spec:',
    '  type: cert-manager',
    '  targetClusters: [cluster-1]',
    ...(deps.length > 0 ? [`  dependsOn: [${deps.map((d) => `{name: ${d}}`).join(', ')}]`] : []),
  ].join('\n');

describe('spec.dependsOn in spec files', () => {
  it('normalizes namespace to the Integration own', () => {
    const set = parseSpecText(integration('istio', ['cert-manager']), 'a.yaml');
    expect(set.problems).toEqual([]);
    expect(set.integrations[0]?.dependsOn).toEqual([{ name: 'cert-manager', namespace: 'team-a' }]);
  });

  it('refuses a dependency listed twice and a bad name, naming the field', () => {
    const set = parseSpecText(integration('istio', ['cert-manager', 'cert-manager']), 'a.yaml');
    expect(set.problems.map((p) => p.field)).toEqual(['spec.dependsOn[1]']);
    const bad = parseSpecText(integration('istio', ['Cert_Manager']), 'a.yaml');
    expect(bad.problems[0]?.field).toBe('spec.dependsOn[0].name');
  });

  it('refuses a cycle across three files, naming all three files and the cycle', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ksit-cycle-'));
    const files = ['one.yaml', 'two.yaml', 'three.yaml'].map((f) => join(dir, f));
    await writeFile(files[0] as string, integration('a', ['b']));
    await writeFile(files[1] as string, integration('b', ['c']));
    await writeFile(files[2] as string, integration('c', ['a']));
    const set = await loadSpecFiles(files);
    expect(set.problems).toHaveLength(1);
    const message = set.problems[0]?.message ?? '';
    expect(message).toContain('dependency cycle: team-a/a');
    expect(message).toMatch(/team-a\/a .* -> team-a\/b .* -> team-a\/c .* -> team-a\/a/);
    for (const file of files) expect(message).toContain(file);
    expect(set.problems[0]?.field).toBe('spec.dependsOn');
  });

  it('refuses cross-namespace dependencies unless allowed', () => {
    const set = parseSpecText(
      integration('istio', []).replace(
        'targetClusters',
        'dependsOn: [{name: cm, namespace: team-b}]\n  targetClusters',
      ),
      'a.yaml',
    );
    expect(set.problems).toEqual([]);
    const docs = set.documents.flatMap((d) => (d.kind === 'Integration' ? [d] : []));
    const refused = crossNamespaceProblems(docs, false, 'KSIT_X');
    expect(refused).toHaveLength(1);
    expect(refused[0]?.field).toBe('spec.dependsOn[0].namespace');
    expect(refused[0]?.message).toContain('KSIT_X=true');
    expect(crossNamespaceProblems(docs, true, 'KSIT_X')).toEqual([]);
  });
});
