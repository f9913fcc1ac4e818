// Bounded work per spec and nothing Helm could read as a flag or an extra key: each with a message naming the fix.
import { describe, expect, it } from '@jest/globals';
import { parseSpecText } from '../../../shared/spec/load.js';

function problems(spec: string): string[] {
  const text = `apiVersion: ksit.io/v1alpha1\nkind: Integration\nmetadata: {name: x}\nspec:\n${spec}`;
  return parseSpecText(text, 'x.yaml').problems.map((p) => `${p.field}: ${p.message}`);
}

const helm = (helmConfig: string) =>
  `  type: custom\n  targetClusters: [a]\n  config: {components: [{kind: Deployment, name: d}]}\n` +
  `  autoInstall: {enabled: true, method: helm, helmConfig: ${helmConfig}}`;

describe('spec bounds', () => {
  it('a health check interval under 10s names the operator’s setting', () => {
    expect(problems('  type: argocd\n  targetClusters: [a]\n  config: {healthCheckInterval: 5s}')).toEqual([
      "spec.config.healthCheckInterval: a health check interval must be at least 10s (the operator's minimum, KSIT_MIN_HEALTH_INTERVAL)",
    ]);
  });

  it('an install timeout over an hour', () => {
    expect(problems(helm('{chart: c, repository: "https://x", timeout: 2h}'))).toEqual([
      'spec.autoInstall.helmConfig.timeout: an install timeout must be at most 1h',
    ]);
  });

  it('more than 500 target clusters', () => {
    const names = Array.from({ length: 501 }, (_, i) => `c${i}`).join(', ');
    expect(problems(`  type: argocd\n  targetClusters: [${names}]`)).toEqual([
      'spec.targetClusters: at most 500 clusters per Integration; split it, or use a targetSelector',
    ]);
  });

  it('values larger than 512 KiB', () => {
    const big = 'x'.repeat(600 * 1024);
    expect(problems(helm(`{chart: c, repository: "https://x", values: {a: "${big}"}}`))[0]).toMatch(
      /^spec.autoInstall.helmConfig.values: values are 601 KiB, more than the 512 KiB limit/,
    );
  });

  it.each([
    [
      'a chart that starts like a flag',
      '{chart: "--post-renderer=/bin/sh", repository: "https://x"}',
      'helmConfig.chart',
    ],
    ['a version that starts like a flag', '{chart: c, repository: "https://x", version: "-1"}', 'helmConfig.version'],
    ['credentials in a repository URL', '{chart: c, repository: "https://u:p@x"}', 'must not carry credentials'],
    [
      'a --set key that would split into two',
      '{chart: c, repository: "https://x", values: {"a.b=1,c.d": x}}',
      'not a plain --set path',
    ],
  ])('refuses %s', (_, config, message) => {
    expect(problems(helm(config)).join('\n')).toContain(message);
  });

  it('accepts escaped dots and indexes in --set keys', () => {
    expect(
      problems(
        helm(
          '{chart: c, repository: "https://x", values: {"ingress.annotations.kubernetes\\\\.io/class": x, "a[0].b": y}}',
        ),
      ),
    ).toEqual([]);
  });
});
