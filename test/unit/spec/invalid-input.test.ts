import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { loadSpecFiles, parseSpecText, type SpecProblem } from '../../../shared/spec/index.js';
import { INVALID_DIR } from './fixture-paths.js';

async function problemsOf(...names: string[]): Promise<SpecProblem[]> {
  const result = await loadSpecFiles(names.map((name) => join(INVALID_DIR, name)));
  expect(result.problems.length).toBeGreaterThan(0);
  return result.problems;
}

describe('bad input gives a problem naming the file, document and field', () => {
  it('unknown type, listing the valid ones', async () => {
    const [problem] = await problemsOf('unknown-type.yaml');
    expect(problem).toMatchObject({
      file: join(INVALID_DIR, 'unknown-type.yaml'),
      document: 1,
      field: 'spec.type',
      line: 6,
    });
    expect(problem!.message).toContain('"vault"');
    expect(problem!.message).toContain('argocd, prometheus, istio, flux, cert-manager, kyverno, custom');
  });

  it('neither targetClusters nor targetSelector', async () => {
    const [problem] = await problemsOf('missing-targets.yaml');
    expect(problem).toMatchObject({ field: 'spec.targetClusters' });
    expect(problem!.message).toMatch(/targetClusters.*targetSelector/);
  });

  it('healthCheckInterval: "30 seconds"', async () => {
    const [problem] = await problemsOf('bad-duration.yaml');
    expect(problem).toMatchObject({ field: 'spec.config.healthCheckInterval', line: 9 });
    expect(problem!.message).toContain('"30s"');
  });

  it('version: 5.51 as a YAML number says to quote it', async () => {
    const [problem] = await problemsOf('numeric-version.yaml');
    expect(problem).toMatchObject({ field: 'spec.autoInstall.helmConfig.version' });
    expect(problem!.message).toMatch(/quote/);
    expect(problem!.message).toContain('version: "5.51"');
  });

  it('a misspelt field, with a suggestion', async () => {
    const problems = await problemsOf('typo.yaml');
    expect(problems).toContainEqual(expect.objectContaining({ field: 'spec.targetCluster', line: 7 }));
    expect(problems.find((p) => p.field === 'spec.targetCluster')!.message).toContain('did you mean "targetClusters"?');
  });

  it('type custom without components', async () => {
    const [problem] = await problemsOf('custom-without-components.yaml');
    expect(problem).toMatchObject({ field: 'spec.config.components' });
    expect(problem!.message).toMatch(/required for type custom/);
  });

  it('duplicate names across files, naming both places', async () => {
    const problems = await problemsOf('duplicate-a.yaml', 'duplicate-b.yaml');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      file: join(INVALID_DIR, 'duplicate-b.yaml'),
      document: 1,
      field: 'metadata.name',
    });
    expect(problems[0]!.message).toContain(`${join(INVALID_DIR, 'duplicate-a.yaml')}#1`);
    expect(problems[0]!.message).toContain('Integration ksit-system/argocd');
  });

  it('an empty file', async () => {
    const [problem] = await problemsOf('empty.yaml');
    expect(problem).toMatchObject({ document: 0, field: '' });
    expect(problem!.message).toMatch(/empty/);
  });

  it('a JSON array', async () => {
    const [problem] = await problemsOf('json-array.json');
    expect(problem!.message).toMatch(/expected a mapping.*got a list/);
  });

  it('a plain string', async () => {
    const [problem] = await problemsOf('plain-string.yaml');
    expect(problem!.message).toMatch(/expected a mapping.*got a string/);
  });

  it('prose inside YAML, as a syntax error with line and column', async () => {
    const [problem] = await problemsOf('leaked-prose.yaml');
    expect(problem).toMatchObject({ document: 1, line: 2 });
    expect(problem!.message).toMatch(/line 2, column 1/);
  });

  it('a map under a flat --set key', async () => {
    const [problem] = await problemsOf('flat-key-with-map.yaml');
    expect(problem).toMatchObject({ field: 'spec.autoInstall.helmConfig.values["server.service"]' });
  });

  it('a wrong apiVersion', async () => {
    const [problem] = await problemsOf('wrong-api-version.yaml');
    expect(problem).toMatchObject({ field: 'apiVersion', line: 1 });
    expect(problem!.message).toContain('ksit.io/v1alpha1');
  });

  it('a missing kind', async () => {
    const [problem] = await problemsOf('missing-kind.yaml');
    expect(problem).toMatchObject({ field: 'kind' });
    expect(problem!.message).toContain('Integration, IntegrationTarget');
  });
});

describe('more field checks', () => {
  const integration = (spec: string) =>
    parseSpecText(
      `apiVersion: ksit.io/v1alpha1\nkind: Integration\nmetadata: {name: t}\nspec:\n${spec}`,
      'inline.yaml',
    );
  const fields = (spec: string) => integration(spec).problems.map((p) => `${p.field}: ${p.message}`);

  it.each([
    [
      'healthCheckInterval below 1s',
      '  type: argocd\n  targetClusters: [a]\n  config: {healthCheckInterval: 500ms}',
      'spec.config.healthCheckInterval: must be at least 1s',
    ],
    [
      'a number as duration',
      '  type: argocd\n  targetClusters: [a]\n  config: {gracePeriod: 30}',
      'spec.config.gracePeriod: expected a duration',
    ],
    [
      'enabled as a string',
      '  type: argocd\n  enabled: "yes"\n  targetClusters: [a]',
      'spec.enabled: expected true or false',
    ],
    [
      'an empty selector',
      '  type: argocd\n  targetSelector: {}',
      'spec.targetSelector: give matchLabels or matchExpressions',
    ],
    [
      'In without values',
      '  type: argocd\n  targetSelector: {matchExpressions: [{key: env, operator: In}]}',
      'spec.targetSelector.matchExpressions[0].values: required',
    ],
    [
      'a repository that is not a URL',
      '  type: argocd\n  targetClusters: [a]\n  autoInstall: {helmConfig: {repository: argoproj/argo-helm}}',
      'spec.autoInstall.helmConfig.repository: must be an http(s)://',
    ],
    [
      'custom with autoInstall but no chart',
      '  type: custom\n  targetClusters: [a]\n  autoInstall: {enabled: true}\n  config: {components: [{kind: Deployment, name: x}]}',
      'spec.autoInstall.helmConfig.chart: required',
    ],
    [
      'flux with helm and no chart',
      '  type: flux\n  targetClusters: [a]\n  autoInstall: {method: helm}',
      'spec.autoInstall.helmConfig.chart: required',
    ],
    [
      'argocd with manifest and no source',
      '  type: argocd\n  targetClusters: [a]\n  autoInstall: {method: manifest}',
      'spec.autoInstall.manifestConfig.source: required',
    ],
    [
      'a negative remediation count',
      '  type: argocd\n  targetClusters: [a]\n  config: {remediation: {reinstallAfterUnhealthyChecks: 0}}',
      'spec.config.remediation.reinstallAfterUnhealthyChecks: must be 1 or more',
    ],
    [
      'an empty components list',
      '  type: argocd\n  targetClusters: [a]\n  config: {components: []}',
      'spec.config.components: must not be empty',
    ],
    [
      'a cluster listed twice',
      '  type: argocd\n  targetClusters: [a, a]',
      'spec.targetClusters[1]: "a" is listed twice',
    ],
    [
      'a bad component kind',
      '  type: custom\n  targetClusters: [a]\n  config: {components: [{kind: Pod, name: x}]}',
      'spec.config.components[0].kind: expected one of: Deployment, StatefulSet, DaemonSet',
    ],
  ])('%s', (_, spec, expected) => {
    expect(fields(spec).some((line) => line.startsWith(expected))).toBe(true);
  });

  it('reports several problems of one document in one pass', () => {
    const found = fields(
      '  type: argocd\n  targetClusters: []\n  config: {healthCheckIntervall: 30s, gracePeriod: "3 minutes"}',
    );
    expect(found.map((line) => line.split(':')[0])).toEqual(
      expect.arrayContaining(['spec.targetClusters', 'spec.config.healthCheckIntervall', 'spec.config.gracePeriod']),
    );
  });

  it('rejects an IntegrationTarget with both a Secret and a file', () => {
    const result = parseSpecText(
      'apiVersion: ksit.io/v1alpha1\nkind: IntegrationTarget\nmetadata: {name: c}\nspec: {clusterName: c, kubeconfigSecret: s, kubeconfigFile: ./kc}',
      'target.yaml',
    );
    expect(result.problems).toEqual([expect.objectContaining({ field: 'spec.kubeconfigFile' })]);
  });

  it('rejects two targets for one cluster', () => {
    const target = (name: string) =>
      `apiVersion: ksit.io/v1alpha1\nkind: IntegrationTarget\nmetadata: {name: ${name}}\nspec: {clusterName: shared}\n`;
    const result = parseSpecText(`${target('a')}---\n${target('b')}`, 'targets.yaml');
    expect(result.problems).toEqual([expect.objectContaining({ document: 2, field: 'spec.clusterName' })]);
    expect(result.targets.map((t) => t.name)).toEqual(['a']);
  });

  it('reports YAML duplicate keys', () => {
    const result = parseSpecText('apiVersion: ksit.io/v1alpha1\nkind: Integration\nkind: Integration\n', 'dup.yaml');
    expect(result.problems[0]!.message).toMatch(/YAML syntax error at line 3/);
  });

  it('survives an alias bomb', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...Array.from({ length: 8 }, (_, i) => {
        const prev = i === 0 ? 'a' : `l${i - 1}`;
        return `l${i}: &l${i} [*${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}]`;
      }),
    ].join('\n');
    const result = parseSpecText(bomb, 'bomb.yaml');
    expect(result.problems).toHaveLength(1);
  });
});
