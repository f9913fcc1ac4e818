// The Helm charts, rendered and handed to a real API server: `kubectl apply --server-side --dry-run=server`
// validates every object against the server's schemas and admission (RBAC rules, NetworkPolicy, PDB, Job, ...)
// without creating anything. KWOK clusters lack the Prometheus Operator's CRDs, so the test first applies the
// minimal ServiceMonitor/PrometheusRule CRDs that the local kube-prometheus-stack stand-in chart ships (left in
// place: the same CRDs that chart installs). The namespace it renders into is created and deleted by the test.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execa } from 'execa';
import { loadEnvironment, repoRoot, toolEnv, type LocalCluster, type LocalEnvironment } from './env/environment.js';

const run = randomUUID().slice(0, 8);
const namespace = `ksit-deploy-${run}`;
let env: LocalEnvironment;
let cluster: LocalCluster;
let dir: string;

const kubectl = (args: string[], input?: string) =>
  execa(join(env.binDir, 'kubectl'), ['--kubeconfig', cluster.kubeconfig, '--context', cluster.context, ...args], {
    input,
    reject: false,
    env: toolEnv(env),
  });

async function helmTemplate(chart: string, values: object): Promise<string> {
  const file = join(dir, `values-${randomUUID()}.json`);
  await writeFile(file, JSON.stringify(values));
  const r = await execa(
    join(env.binDir, 'helm'),
    [
      'template',
      'ksit',
      join(repoRoot, chart),
      '--namespace',
      namespace,
      '--kube-version',
      env.kubeVersion,
      '-f',
      file,
    ],
    { env: toolEnv(env) },
  );
  return r.stdout;
}

/** Dry-runs the manifests server-side; returns kubectl's per-object lines ("kind/name created (server dry run)"). */
async function dryRun(manifests: string): Promise<string[]> {
  const r = await kubectl(
    ['apply', '--server-side', '--dry-run=server', '--field-manager=ksit-test', '-f', '-'],
    manifests,
  );
  if (r.exitCode !== 0) throw new Error(`server dry run refused the manifests:\n${r.stderr}`);
  return r.stdout.split('\n').filter(Boolean);
}

beforeAll(async () => {
  env = loadEnvironment();
  cluster = env.clusters[0]!;
  dir = await mkdtemp(join(tmpdir(), 'ksit-dry-run-'));
  const crds = join(repoRoot, 'deploy/local/charts/kube-prometheus-stack/crds/servicemonitors.yaml');
  for (const args of [
    ['apply', '--server-side', '--field-manager=ksit-test', '-f', crds],
    ['wait', '--for=condition=Established', '--timeout=60s', '-f', crds],
    ['create', 'namespace', namespace],
  ]) {
    const r = await kubectl(args);
    if (r.exitCode !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
  }
}, 120_000);
afterAll(async () => {
  await kubectl(['delete', 'namespace', namespace, '--wait=false']);
  await rm(dir, { recursive: true, force: true });
});

describe('server-side dry run of the charts on a real API server', () => {
  it('the worker chart with default values (and the codec key it requires)', async () => {
    const lines = await dryRun(await helmTemplate('deploy/helm/ksit', { codec: { existingSecret: 'ksit-codec' } }));
    for (const kind of ['serviceaccount', 'role.rbac', 'rolebinding.rbac', 'service', 'deployment.apps', 'job.batch']) {
      expect(lines.some((l) => l.startsWith(kind) && l.endsWith('(server dry run)'))).toBe(true);
    }
    expect(lines.some((l) => l.startsWith('networkpolicy.networking.k8s.io/'))).toBe(true);
    expect(lines.some((l) => l.startsWith('poddisruptionbudget.policy/'))).toBe(true);
  }, 60_000);

  it('the worker chart with 3 replicas, TLS, API key, codec key, ServiceMonitor, PrometheusRule, dashboard, CIDRs', async () => {
    const manifests = await helmTemplate('deploy/helm/ksit', {
      replicaCount: 3,
      temporal: {
        address: 'temporal.example:7233',
        tls: { existingSecret: 'temporal-mtls', serverName: 'frontend.temporal.example' },
        apiKey: { existingSecret: 'temporal-api-key' },
      },
      codec: { existingSecret: 'ksit-codec' },
      rbac: { secretNames: ['cluster-1-kubeconfig', 'cluster-2-kubeconfig'] },
      serviceMonitor: { enabled: true },
      prometheusRule: { enabled: true, overrides: { KsitIntegrationFailed: { for: '1m' } } },
      grafanaDashboard: { enabled: true },
      networkPolicy: {
        temporal: { cidrs: ['10.20.0.0/16'] },
        kubernetesApi: { cidrs: ['10.0.0.1/32', '192.168.50.0/24'] },
        chartRepositories: { cidrs: ['203.0.113.0/24'] },
        metricsFrom: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
      },
    });
    const lines = await dryRun(manifests);
    expect(lines.some((l) => l.startsWith('servicemonitor.monitoring.coreos.com/'))).toBe(true);
    expect(lines.some((l) => l.startsWith('prometheusrule.monitoring.coreos.com/'))).toBe(true);
    expect(lines.some((l) => l.startsWith('configmap/'))).toBe(true);
  }, 60_000);

  it('the target-cluster RBAC chart, monitor-only and with installs', async () => {
    const monitorOnly = await dryRun(await helmTemplate('deploy/helm/ksit-target-rbac', {}));
    expect(monitorOnly.filter((l) => l.startsWith('clusterrole.rbac.authorization.k8s.io/'))).toHaveLength(2);
    // Namespaced bindings go into namespaces that exist (a dry run creates none); here the test's own.
    const withInstall = await dryRun(
      await helmTemplate('deploy/helm/ksit-target-rbac', {
        monitor: { namespaces: [namespace] },
        install: { enabled: true, namespaces: [namespace], createNamespaces: false },
        serviceAccount: { tokenSecret: true },
      }),
    );
    expect(withInstall.filter((l) => l.startsWith('clusterrole.rbac.authorization.k8s.io/'))).toHaveLength(4);
    expect(withInstall.filter((l) => l.startsWith('rolebinding.rbac.authorization.k8s.io/'))).toHaveLength(2);
    expect(withInstall.some((l) => l.startsWith('secret/'))).toBe(true);
  }, 60_000);
});
