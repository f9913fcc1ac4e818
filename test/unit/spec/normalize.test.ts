import { describe, expect, it } from '@jest/globals';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { formatProblem, parseSpecText } from '../../../shared/spec/index.js';
import type { IntegrationSpec, TargetSpec } from '../../../shared/types.js';

function integration(yaml: string, file = 'inline.yaml'): IntegrationSpec {
  const result = parseSpecText(`apiVersion: ksit.io/v1alpha1\nkind: Integration\n${yaml}`, file);
  expect(result.problems.map(formatProblem)).toEqual([]);
  return result.integrations[0]!;
}

function target(yaml: string, file = 'inline.yaml'): TargetSpec {
  const result = parseSpecText(`apiVersion: ksit.io/v1alpha1\nkind: IntegrationTarget\n${yaml}`, file);
  expect(result.problems.map(formatProblem)).toEqual([]);
  return result.targets[0]!;
}

describe('Integration defaults', () => {
  it('fills namespace, intervals, components and version range from the registry', () => {
    const spec = integration('metadata: {name: argo}\nspec: {type: argocd, targetClusters: [c1]}');
    expect(spec).toMatchObject({
      name: 'argo',
      namespace: 'ksit-system',
      enabled: true,
      toolNamespace: 'argocd',
      healthCheckIntervalMs: 30_000,
      gracePeriodMs: 180_000,
      remediation: {},
      kubeVersionRange: '>=1.23',
    });
    expect(spec.install).toBeUndefined();
    expect(spec.components).toContainEqual({ kind: 'Deployment', name: 'argocd-server' });
  });

  it('reads durations and overrides', () => {
    const spec = integration(
      'metadata: {name: argo, namespace: team-a}\nspec:\n  type: argocd\n  enabled: false\n  targetClusters: [c1]\n' +
        '  config: {namespace: gitops, healthCheckInterval: 1m30s, gracePeriod: 0s, components: [{kind: Deployment, name: argocd-server, optional: true}]}',
    );
    expect(spec).toMatchObject({
      namespace: 'team-a',
      enabled: false,
      toolNamespace: 'gitops',
      healthCheckIntervalMs: 90_000,
      gracePeriodMs: 0,
    });
    expect(spec.components).toEqual([{ kind: 'Deployment', name: 'argocd-server', optional: true }]);
  });

  it('leaves install out when autoInstall.enabled is false', () => {
    const spec = integration(
      'metadata: {name: argo}\nspec:\n  type: argocd\n  targetClusters: [c1]\n  autoInstall: {enabled: false, method: helm}',
    );
    expect(spec.install).toBeUndefined();
  });

  it('uses the registry chart when autoInstall is present without helmConfig', () => {
    const spec = integration(
      'metadata: {name: prom}\nspec:\n  type: prometheus\n  targetClusters: [c1]\n  autoInstall: {}',
    );
    expect(spec.install).toEqual({
      method: 'helm',
      chart: {
        repository: 'https://prometheus-community.github.io/helm-charts',
        chart: 'kube-prometheus-stack',
        version: '55.5.0',
      },
      releaseName: 'prometheus',
      values: {},
      setValues: [],
      timeoutMs: 600_000,
    });
  });

  it('fills only what helmConfig leaves out', () => {
    const spec = integration(
      'metadata: {name: argo}\nspec:\n  type: argocd\n  targetClusters: [c1]\n  autoInstall:\n    helmConfig: {version: "5.46.0", releaseName: gitops, timeout: 5m}',
    );
    expect(spec.install).toMatchObject({
      chart: { repository: 'https://argoproj.github.io/argo-helm', chart: 'argo-cd', version: '5.46.0' },
      releaseName: 'gitops',
      timeoutMs: 300_000,
    });
  });

  it('treats a chart without repository as a path next to the spec file', () => {
    const spec = integration(
      'metadata: {name: tool}\nspec:\n  type: custom\n  targetClusters: [c1]\n  autoInstall: {helmConfig: {chart: ./charts/tool}}\n' +
        '  config: {components: [{kind: Deployment, name: tool}]}',
      '/specs/team/tool.yaml',
    );
    expect(spec.install).toMatchObject({
      method: 'helm',
      chart: { chart: resolve('/specs/team/charts/tool') },
      releaseName: 'tool',
    });
    expect(spec.install?.method === 'helm' && spec.install.chart.repository).toBe(undefined);
    expect(spec.toolNamespace).toBe('default');
  });

  it('installs Flux from its default manifest', () => {
    const spec = integration(
      'metadata: {name: flux}\nspec:\n  type: flux\n  targetClusters: [c1]\n  autoInstall: {enabled: true}',
    );
    expect(spec.install).toEqual({
      method: 'manifest',
      source: 'https://github.com/fluxcd/flux2/releases/download/v2.2.3/install.yaml',
    });
  });

  it('keeps a label selector', () => {
    const spec = integration(
      'metadata: {name: km}\nspec:\n  type: kyverno\n  targetSelector:\n    matchLabels: {env: prod}\n    matchExpressions: [{key: tier, operator: Exists}]',
    );
    expect(spec.targetClusters).toEqual([]);
    expect(spec.targetSelector).toEqual({
      matchLabels: { env: 'prod' },
      matchExpressions: [{ key: 'tier', operator: 'Exists' }],
    });
  });
});

describe('Helm values', () => {
  it('keeps flat --set keys apart from nested values, exactly as written', () => {
    const spec = integration(
      [
        'metadata: {name: prom}',
        'spec:',
        '  type: prometheus',
        '  targetClusters: [c1]',
        '  autoInstall:',
        '    helmConfig:',
        '      values:',
        '        prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.accessModes[0]: ReadWriteOnce',
        '        grafana.enabled: "true"',
        '        alertmanager.enabled: false',
        '        prometheus.prometheusSpec.replicas: 2',
        '        fullnameOverride: prom',
        '        grafana:',
        '          adminPassword: secret',
        '          sidecar: {dashboards: {enabled: true}}',
      ].join('\n'),
    );
    if (spec.install?.method !== 'helm') throw new Error('expected a helm install');
    expect(spec.install.setValues).toEqual([
      { key: 'prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.accessModes[0]', value: 'ReadWriteOnce' },
      { key: 'grafana.enabled', value: 'true' },
      { key: 'alertmanager.enabled', value: false },
      { key: 'prometheus.prometheusSpec.replicas', value: 2 },
    ]);
    expect(spec.install.values).toEqual({
      fullnameOverride: 'prom',
      grafana: { adminPassword: 'secret', sidecar: { dashboards: { enabled: true } } },
    });
  });

  it('accepts an empty values map', () => {
    const spec = integration(
      'metadata: {name: argo}\nspec:\n  type: argocd\n  targetClusters: [c1]\n  autoInstall: {helmConfig: {values: }}',
    );
    expect(spec.install).toMatchObject({ values: {}, setValues: [] });
  });
});

describe('IntegrationTarget defaults', () => {
  it('references the seed Secret <clusterName>-kubeconfig, key kubeconfig, in its own namespace', () => {
    expect(target('metadata: {name: c1, namespace: fleet}\nspec: {clusterName: cluster-1}')).toEqual({
      name: 'c1',
      namespace: 'fleet',
      clusterName: 'cluster-1',
      labels: {},
      credentials: { kind: 'secret', namespace: 'fleet', name: 'cluster-1-kubeconfig', key: 'kubeconfig' },
    });
  });

  it('merges metadata and spec labels, spec winning', () => {
    const spec = target(
      'metadata: {name: c1, labels: {env: prod, team: a}}\nspec: {clusterName: c1, labels: {env: staging, region: eu}}',
    );
    expect(spec.labels).toEqual({ env: 'staging', team: 'a', region: 'eu' });
  });

  it('resolves a kubeconfig file next to the spec file, or in the home directory', () => {
    const local = target(
      'metadata: {name: c1}\nspec: {clusterName: c1, kubeconfigFile: kube/c1.yaml, context: kwok-c1}',
      '/specs/targets.yaml',
    );
    expect(local.credentials).toEqual({ kind: 'file', path: resolve('/specs/kube/c1.yaml'), context: 'kwok-c1' });
    const home = target('metadata: {name: c1}\nspec: {clusterName: c1, kubeconfigFile: ~/.kube/config}');
    expect(home.credentials).toEqual({ kind: 'file', path: resolve(homedir(), '.kube/config') });
  });
});
