// The target-cluster RBAC chart is enough, and no more. Two identities from it on one cluster: a monitor-only one
// (one namespace) with which ksit watches a tool an administrator installed, and an install one with which ksit
// installs a tool (Helm, CRDs first) into its namespace. Each token is also asked what it may not do.
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { execa } from 'execa';
import { parse, stringify } from 'yaml';
import { repoRoot, toolEnv, type LocalCluster } from './env/environment.js';
import { type KsitHarness, startKsit, testChart } from './helpers/ksit-worker.js';

const run = randomUUID().slice(0, 8);
const rbacNamespace = `ksit-rbac-${run}`;
const monitorNamespace = `rbac-cm-${run}`;
const installNamespace = `rbac-argocd-${run}`;
const monitorRelease = `monitor-${run}`;
const installRelease = `install-${run}`;
let ksit: KsitHarness;
let cluster: LocalCluster;
let dir: string;
let monitorKubeconfig: string;
let installKubeconfig: string;

/** Helm or kubectl as the cluster's administrator (the local environment's kubeconfig). */
const admin = (cmd: 'helm' | 'kubectl', args: string[]) =>
  execa(
    join(ksit.env.binDir, cmd),
    [...args, '--kubeconfig', cluster.kubeconfig, cmd === 'helm' ? '--kube-context' : '--context', cluster.context],
    { env: toolEnv(ksit.env) },
  );

/** kubectl as one of the restricted identities; never throws. */
const as = (kubeconfig: string, args: string[]) =>
  execa(join(ksit.env.binDir, 'kubectl'), ['--kubeconfig', kubeconfig, ...args], { reject: false });
const canI = async (kubeconfig: string, verb: string, resource: string, namespace?: string) =>
  (await as(kubeconfig, ['auth', 'can-i', verb, resource, ...(namespace ? ['-n', namespace] : [])])).stdout.trim();

/** Installs the RBAC chart as an administrator would, and returns a kubeconfig holding only a token of it. */
async function identity(release: string, sets: string[]): Promise<string> {
  await admin('helm', [
    'upgrade',
    '--install',
    release,
    join(repoRoot, 'deploy/helm/ksit-target-rbac'),
    '--namespace',
    rbacNamespace,
    '--create-namespace',
    ...sets.flatMap((s) => ['--set', s]),
  ]);
  const sa = `${release}-ksit`;
  const token = (await admin('kubectl', ['create', 'token', sa, '-n', rbacNamespace, '--duration', '1h'])).stdout;
  const full = parse(await readFile(cluster.kubeconfig, 'utf8')) as {
    clusters: { name: string; cluster: Record<string, string> }[];
    contexts: { name: string; context: { cluster: string } }[];
  };
  const ctx = full.contexts.find((c) => c.name === cluster.context);
  const server = full.clusters.find((c) => c.name === ctx?.context.cluster);
  const file = join(dir, `${release}.kubeconfig`);
  await writeFile(
    file,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'target', cluster: server?.cluster }],
      users: [{ name: sa, user: { token: token.trim() } }],
      contexts: [{ name: 'ksit', context: { cluster: 'target', user: sa } }],
      'current-context': 'ksit',
    }),
    { mode: 0o600 },
  );
  return file;
}

beforeAll(async () => {
  ksit = await startKsit();
  cluster = ksit.env.clusters[1] ?? ksit.env.clusters[0]!;
  dir = await mkdtemp(join(tmpdir(), 'ksit-rbac-'));
  // The tool that is only monitored, installed by an administrator.
  await admin('helm', [
    'upgrade',
    '--install',
    'cert-manager',
    'cert-manager',
    '--repo',
    ksit.env.chartRepoUrl,
    '--version',
    'v1.14.4',
    '--namespace',
    monitorNamespace,
    '--create-namespace',
  ]);
  monitorKubeconfig = await identity(monitorRelease, [`monitor.namespaces={${monitorNamespace}}`]);
  installKubeconfig = await identity(installRelease, [
    `monitor.namespaces={${installNamespace}}`,
    'install.enabled=true',
    `install.namespaces={${installNamespace}}`,
  ]);
}, 240_000);

afterAll(async () => {
  await ksit?.stop();
  if (cluster) {
    for (const [name, ns] of [
      ['argocd', installNamespace],
      ['cert-manager', monitorNamespace],
      [monitorRelease, rbacNamespace],
      [installRelease, rbacNamespace],
    ] as const) {
      await admin('helm', ['uninstall', name, '--namespace', ns, '--wait=false']).catch(() => undefined);
    }
    for (const ns of [installNamespace, monitorNamespace, rbacNamespace]) {
      await admin('kubectl', ['delete', 'namespace', ns, '--wait=false']).catch(() => undefined);
    }
  }
  if (dir) await rm(dir, { recursive: true, force: true });
}, 120_000);

test('monitor-only: reads workloads and pods of its namespace, and nothing else', async () => {
  const m = monitorKubeconfig;
  expect(await canI(m, 'list', 'pods', monitorNamespace)).toBe('yes');
  expect(await canI(m, 'list', 'deployments.apps', monitorNamespace)).toBe('yes');
  expect(await canI(m, 'list', 'daemonsets.apps', monitorNamespace)).toBe('yes');
  expect(await canI(m, 'watch', 'deployments.apps', monitorNamespace)).toBe('yes');
  expect(await canI(m, 'list', 'endpointslices.discovery.k8s.io', monitorNamespace)).toBe('yes');
  expect(await canI(m, 'create', 'selfsubjectaccessreviews.authorization.k8s.io')).toBe('yes');
  for (const [verb, resource, ns] of [
    ['get', 'secrets', monitorNamespace],
    ['list', 'secrets', monitorNamespace],
    ['watch', 'pods', monitorNamespace],
    ['delete', 'pods', monitorNamespace],
    ['create', 'deployments.apps', monitorNamespace],
    ['list', 'pods', 'kube-system'],
    ['list', 'pods', installNamespace],
    ['create', 'namespaces', undefined],
    ['list', 'customresourcedefinitions.apiextensions.k8s.io', undefined],
  ] as const) {
    expect({ verb, resource, ns, answer: await canI(m, verb, resource, ns) }).toEqual({
      verb,
      resource,
      ns,
      answer: 'no',
    });
  }
  // GET of a namespace is authorized in that namespace: its own yes, any other no.
  expect((await as(m, ['get', 'namespace', monitorNamespace])).exitCode).toBe(0);
  expect((await as(m, ['get', 'namespace', 'kube-system'])).stderr).toContain('Forbidden');

  const target = await ksit.target(cluster.name, { kind: 'file', path: m }, `monitor-${run}`);
  const { until } = await ksit.integration(ksit.spec('cert-manager', [target], { toolNamespace: monitorNamespace }));
  const s = await until('cert-manager Running, watched with the monitor-only token', (x) => x.phase === 'Running');
  expect(s.clusters[0]?.phase).toBe('Running');
}, 300_000);

test('install: ksit installs a chart (with its CRD) into its namespace; other namespaces stay closed', async () => {
  const i = installKubeconfig;
  expect(await canI(i, 'list', 'secrets', installNamespace)).toBe('yes');
  expect(await canI(i, 'create', 'deployments.apps', installNamespace)).toBe('yes');
  expect(await canI(i, 'create', 'customresourcedefinitions.apiextensions.k8s.io')).toBe('yes');
  expect(await canI(i, 'create', 'namespaces')).toBe('yes');
  expect(await canI(i, 'create', 'deployments.apps', 'kube-system')).toBe('no');
  expect(await canI(i, 'get', 'secrets', 'kube-system')).toBe('no');
  expect(await canI(i, 'list', 'secrets', monitorNamespace)).toBe('no');

  const target = await ksit.target(cluster.name, { kind: 'file', path: i }, `install-${run}`);
  const { until } = await ksit.integration(
    ksit.spec('argocd', [target], {
      toolNamespace: installNamespace,
      install: testChart(ksit.env, 'argo-cd', '5.51.6', 'argocd'),
    }),
  );
  const s = await until('argocd installed and Running with the install token', (x) => x.phase === 'Running', 240_000);
  expect(s.clusters[0]?.phase).toBe('Running');
  const release = await admin('helm', ['status', 'argocd', '--namespace', installNamespace, '-o', 'json']);
  expect((JSON.parse(release.stdout) as { info: { status: string } }).info.status).toBe('deployed');
}, 300_000);
