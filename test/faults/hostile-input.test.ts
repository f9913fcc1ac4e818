// A spec author tries, as an attacker would, to turn writing specs into more (SECURITY.md): with a real worker
// process (codec on, default loosening switches off but the local clusters' kubeconfig directory), the ksit CLI,
// real Helm and KWOK clusters.
//   - an exec-plugin kubeconfig, applied and previewed: the command never runs, the refusal names the setting;
//   - a token-file kubeconfig aimed at a local listener: no connection, no credential reaches it;
//   - a hand-installed Helm release: install, recovery and --uninstall leave it untouched (a conflict, Failed);
//   - a manifest whose source changes after install: delete removes only what ksit created;
//   - planted secrets in Helm values and in Helm's failure message: in no log line, CLI output or raw history.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { execa } from 'execa';
import { workflowIds } from '../../workflows/definitions.js';
import { getCluster, kubeClient, repoRoot, toolEnv, waitFor } from '../e2e/env/environment.js';
import { type KsitHarness, startKsit } from '../e2e/helpers/ksit-worker.js';
import { startWorkerProcess, type WorkerProcess } from '../e2e/helpers/worker-process.js';

const GetHistory = proto.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse;
const codecKey = `hostile:${randomBytes(32).toString('base64')}`;
let ksit: KsitHarness;
let worker: WorkerProcess | undefined;
let logFile: string;
let dir: string;
const cliOutput: string[] = [];
const applied: string[] = [];

beforeAll(async () => {
  ksit = await startKsit({ inProcessWorker: false, codecEnv: { KSIT_CODEC_KEY: codecKey } });
  dir = join(ksit.env.ksitHome, 'hostile', ksit.run);
  await mkdir(dir, { recursive: true });
  logFile = join(ksit.env.ksitHome, 'logs', `faults-hostile-${ksit.run}.log`);
  worker = await startWorkerProcess(ksit.env, {
    taskQueue: ksit.taskQueue,
    logFile,
    logLevel: 'debug',
    env: { KSIT_CODEC_KEY: codecKey },
  });
}, 120_000);
afterAll(async () => {
  for (const name of applied) await cli(['delete', 'integration', name, '--timeout', '1m']).catch(() => undefined);
  await ksit?.stop();
  worker?.kill();
}, 180_000);

async function cli(args: string[]) {
  const r = await execa(process.execPath, [join(repoRoot, 'dist/client/cli.js'), ...args], {
    reject: false,
    env: {
      TEMPORAL_ADDRESS: ksit.env.temporalAddress,
      KSIT_TASK_QUEUE: ksit.taskQueue,
      KSIT_CODEC_KEY: codecKey,
      NO_COLOR: '1',
    },
  });
  cliOutput.push(String(r.stdout), String(r.stderr));
  return r;
}

async function applyFile(name: string, yaml: string) {
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, yaml);
  const r = await cli(['apply', '-f', file]);
  expect([r.exitCode, r.stderr]).toEqual([0, '']);
  applied.push(name);
  return file;
}

const target = (name: string, kubeconfig: string) => `apiVersion: ksit.io/v1alpha1
kind: IntegrationTarget
metadata: {name: ${name}, namespace: ksit-system}
spec: {clusterName: ${name}, kubeconfigFile: ${kubeconfig}}
`;

const localTarget = (name: string) => {
  const c = getCluster('cluster-1', ksit.env);
  return `apiVersion: ksit.io/v1alpha1
kind: IntegrationTarget
metadata: {name: ${name}, namespace: ksit-system}
spec: {clusterName: ${name}, kubeconfigFile: ${c.kubeconfig}, context: ${c.context}}
`;
};

function integration(name: string, targetName: string, component: string, autoInstall: string, ns = name): string {
  return `apiVersion: ksit.io/v1alpha1
kind: Integration
metadata: {name: ${name}, namespace: ksit-system}
spec:
  type: custom
  targetClusters: [${targetName}]
  config:
    namespace: ${ns}
    healthCheckInterval: 2s
    gracePeriod: 5s
    components: [{kind: Deployment, name: ${component}}]
  autoInstall: ${autoInstall}
`;
}

interface Row {
  name: string;
  phase: string;
  message: string;
  clusters: Array<{ name: string; phase: string; message: string }>;
}

async function until(name: string, what: string, pred: (row: Row) => boolean, timeoutMs = 120_000): Promise<Row> {
  let last: Row | undefined;
  try {
    return await waitFor(
      `${name}: ${what}`,
      async () => {
        const r = await cli(['get', 'integrations', '-o', 'json']);
        last = (JSON.parse(String(r.stdout)) as Row[]).find((x) => x.name === name);
        return last && pred(last) ? last : undefined;
      },
      { timeoutMs, intervalMs: 2_000 },
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}\nlast: ${JSON.stringify(last)}`);
  }
}

/** A kubeconfig for `server` whose user is `user` (YAML flow), in the worker's allowed kubeconfig directory. */
async function hostileKubeconfig(name: string, server: string, user: string): Promise<string> {
  const path = join(ksit.env.ksitHome, 'kubeconfigs', `hostile-${name}-${ksit.run}.yaml`);
  await writeFile(
    path,
    `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: '${server}'}}]
users: [{name: u, user: ${user}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`,
  );
  return path;
}

test('an exec-plugin kubeconfig, applied and previewed, never runs its command', async () => {
  const marker = join(dir, 'exec-ran');
  const kubeconfig = await hostileKubeconfig(
    'exec',
    'https://127.0.0.1:6443',
    `{exec: {apiVersion: client.authentication.k8s.io/v1, command: /bin/sh, args: [-c, 'touch ${marker}']}}`,
  );
  const name = `exec-${ksit.run}`;
  const file = await applyFile(
    name,
    `${target(`${name}-t`, kubeconfig)}---\n${integration(name, `${name}-t`, 'x', '{enabled: false}')}`,
  );
  const preview = await cli(['preflight', '-f', file]);
  expect(preview.exitCode).toBe(1);
  expect(preview.stdout).toContain('user.exec is refused');
  expect(preview.stdout).toContain('KSIT_KUBECONFIG_ALLOW_EXEC=true (Helm chart value security.kubeconfig.allowExec)');
  const failed = await until(name, 'Failed on the refused kubeconfig', (r) => r.phase === 'Failed');
  expect(failed.clusters[0]?.message).toContain('user.exec is refused');
  expect(existsSync(marker)).toBe(false);
}, 180_000);

test('a token-file kubeconfig aimed at a local listener sends it nothing', async () => {
  const secret = `token-${randomBytes(12).toString('hex')}`;
  const tokenFile = join(ksit.env.ksitHome, 'kubeconfigs', `hostile-token-${ksit.run}`);
  await writeFile(tokenFile, secret);
  let connections = 0;
  let received = '';
  const listener: Server = createServer((socket) => {
    connections++;
    socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  try {
    const port = (listener.address() as AddressInfo).port;
    const kubeconfig = await hostileKubeconfig('token', `https://127.0.0.1:${port}`, `{token-file: ${tokenFile}}`);
    const name = `tokenfile-${ksit.run}`;
    const file = join(dir, `${name}.yaml`);
    await writeFile(
      file,
      `${target(`${name}-t`, kubeconfig)}---\n${integration(name, `${name}-t`, 'x', '{enabled: false}')}`,
    );
    const preview = await cli(['preflight', '-f', file]);
    expect(preview.exitCode).toBe(1);
    expect(preview.stdout).toContain('user.token-file is refused');
    expect(preview.stdout).toContain('KSIT_KUBECONFIG_ALLOW_FILE_PATHS=true');
    expect(connections).toBe(0);
    expect(received).not.toContain(secret);
  } finally {
    listener.close();
  }
}, 120_000);

test('a hand-installed Helm release is left untouched by install, recovery and --uninstall', async () => {
  const name = `foreign-${ksit.run}`;
  const c = getCluster('cluster-1', ksit.env);
  const helm = (args: string[]) =>
    execa(join(ksit.env.binDir, 'helm'), [...args, '--kubeconfig', c.kubeconfig, '--kube-context', c.context], {
      env: toolEnv(ksit.env),
    });
  await helm(
    ['install', 'istiod', 'istiod', '--repo', ksit.env.chartRepoUrl, '--version', '1.20.2'].concat([
      '--namespace',
      name,
      '--create-namespace',
    ]),
  );
  const core = kubeClient('cluster-1').core;
  const storage = async () =>
    (await core.listNamespacedSecret({ namespace: name, labelSelector: 'owner=helm,name=istiod' })).items.map(
      (s) => `${s.metadata?.name}:${s.metadata?.labels?.status}`,
    );
  expect(await storage()).toEqual(['sh.helm.release.v1.istiod.v1:deployed']);

  // A 2 s install timeout: a pending release older than that counts as stuck, so reinstall tries its recovery.
  const helmInstall = `{enabled: true, method: helm, helmConfig: {repository: "${ksit.env.chartRepoUrl}", chart: istiod, version: "1.20.2", releaseName: istiod, timeout: 2s}}`;
  await applyFile(name, `${localTarget(`${name}-t`)}---\n${integration(name, `${name}-t`, 'istiod', helmInstall)}`);
  const failed = await until(name, 'Failed: release conflict', (r) => r.phase === 'Failed');
  expect(failed.clusters[0]?.message).toContain('release conflict: Helm release istiod in namespace');
  expect(failed.clusters[0]?.message).toContain('belongs to no ksit Integration (it was installed by someone else)');
  expect(await storage()).toEqual(['sh.helm.release.v1.istiod.v1:deployed']);

  // Stuck in pending-upgrade (as after a killed helm): ksit's recovery would roll it back or uninstall it.
  await execa(join(ksit.env.binDir, 'kubectl'), [
    ...['--kubeconfig', c.kubeconfig, '--context', c.context, '-n', name],
    ...['label', '--overwrite', 'secret', 'sh.helm.release.v1.istiod.v1', 'status=pending-upgrade'],
  ]);
  const reinstall = await cli(['reinstall', 'integration', name]);
  expect(reinstall.exitCode).toBe(0);
  await until(
    name,
    'Failed again after reinstall',
    (r) => r.phase === 'Failed' && /release conflict/.test(r.clusters[0]?.message ?? ''),
  );
  expect(await storage()).toEqual(['sh.helm.release.v1.istiod.v1:pending-upgrade']);

  const del = await cli(['delete', 'integration', name, '--uninstall', '--timeout', '2m']);
  expect(del.stdout + del.stderr).toContain('release conflict');
  expect(await storage()).toEqual(['sh.helm.release.v1.istiod.v1:pending-upgrade']);
  applied.splice(applied.indexOf(name), 1);
}, 300_000);

test('two Integrations claiming one release: a conflict on both, and the release stays the first one’s', async () => {
  const first = `claim-a-${ksit.run}`;
  const second = `claim-b-${ksit.run}`;
  const ns = `claim-${ksit.run}`;
  const helmInstall = `{enabled: true, method: helm, helmConfig: {repository: "${ksit.env.chartRepoUrl}", chart: istiod, version: "1.20.2", releaseName: istiod}}`;
  await applyFile(
    first,
    `${localTarget(`${first}-t`)}---\n${integration(first, `${first}-t`, 'istiod', helmInstall, ns)}`,
  );
  await until(first, 'Running', (r) => r.phase === 'Running', 180_000);
  await applyFile(second, integration(second, `${first}-t`, 'istiod', helmInstall, ns));
  const refused = await until(second, 'Failed: release conflict', (r) => r.phase === 'Failed');
  expect(refused.clusters[0]?.message).toContain(`belongs to ksit Integration ksit-system/${first}`);
  const owner = await until(first, 'the owner reports the conflict', (r) =>
    (r.clusters[0]?.message ?? '').includes(`release conflict: Integration ksit-system/${second} also claims`),
  );
  expect(['Degraded', 'Progressing']).toContain(owner.phase);
}, 300_000);

test('delete removes only what a manifest install created, though the source changed since', async () => {
  const name = `manifest-${ksit.run}`;
  const core = kubeClient('cluster-1').core;
  await core.createNamespace({ body: { metadata: { name } } });
  const configMap = (n: string) => ({ metadata: { name: n, namespace: name }, data: { owner: 'someone else' } });
  await core.createNamespacedConfigMap({ namespace: name, body: configMap('preexisting') });
  const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: hostile-app}
spec:
  replicas: 1
  selector: {matchLabels: {app: hostile-app}}
  template:
    metadata: {labels: {app: hostile-app}}
    spec: {containers: [{name: app, image: example.invalid/app:1}]}
`;
  const cm = (n: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${n}}\ndata: {from: manifest}\n`;
  const source = join(dir, `${name}-source.yaml`);
  await writeFile(source, `${deployment}---\n${cm('preexisting')}---\n${cm('made-by-ksit')}`);
  const manifest = `{enabled: true, method: manifest, manifestConfig: {source: ${source}}}`;
  await applyFile(name, `${localTarget(`${name}-t`)}---\n${integration(name, `${name}-t`, 'hostile-app', manifest)}`);
  await until(name, 'Running', (r) => r.phase === 'Running', 180_000);

  // The source now lists an object someone else made after the install.
  await core.createNamespacedConfigMap({ namespace: name, body: configMap('precious') });
  await writeFile(source, `${deployment}---\n${cm('preexisting')}---\n${cm('made-by-ksit')}---\n${cm('precious')}`);
  const del = await cli(['delete', 'integration', name, '--uninstall', '--timeout', '2m']);
  expect(del.exitCode).toBe(0);
  applied.splice(applied.indexOf(name), 1);
  const left = (await core.listNamespacedConfigMap({ namespace: name })).items.map((x) => x.metadata?.name);
  expect(left).toEqual(expect.arrayContaining(['preexisting', 'precious']));
  expect(left).not.toContain('made-by-ksit');
  const apps = kubeClient('cluster-1').apps;
  expect((await apps.listNamespacedDeployment({ namespace: name })).items).toEqual([]);
  await core.deleteNamespace({ name }).catch(() => undefined);
}, 300_000);

test('planted secrets in Helm values and in Helm’s failure message reach no log, CLI output or raw history', async () => {
  const planted = {
    nested: `pw-${randomBytes(8).toString('hex')}`,
    flat: `tok-${randomBytes(8).toString('hex')}`,
    failure: `fail-${randomBytes(8).toString('hex')}`,
  };
  const good = `secrets-${ksit.run}`;
  const bad = `secrets-bad-${ksit.run}`;
  const chart = (values: string) =>
    `{enabled: true, method: helm, helmConfig: {repository: "${ksit.env.chartRepoUrl}", chart: istiod, version: "1.20.2", releaseName: istiod, values: ${values}}}`;
  await applyFile(
    good,
    `${localTarget(`${good}-t`)}---\n${integration(good, `${good}-t`, 'istiod', chart(`{auth: {adminPassword: ${planted.nested}}, "auth.token": ${planted.flat}}`))}---\n` +
      // The revision names a Deployment: the API server rejects it, and Helm's error quotes it.
      integration(bad, `${good}-t`, 'istiod', chart(`{revision: ${planted.failure}_Invalid}`)),
  );
  await until(good, 'Running', (r) => r.phase === 'Running', 240_000);
  const failed = await until(bad, 'Failed', (r) => r.phase === 'Failed', 240_000);
  expect(failed.clusters[0]?.message).toContain('[redacted]');
  await cli(['describe', 'integration', good]);
  await cli(['describe', 'integration', bad]);

  const connection = await Connection.connect({ address: ksit.env.temporalAddress });
  let history = '';
  try {
    for (const name of [good, bad]) {
      for (const workflowId of [
        workflowIds.integration('ksit-system', name),
        workflowIds.cluster('ksit-system', name, `${good}-t`),
      ]) {
        const page = await connection.workflowService.getWorkflowExecutionHistory({
          namespace: ksit.env.temporalNamespace,
          execution: { workflowId },
        });
        history += Buffer.from(GetHistory.encode(page).finish()).toString('latin1');
      }
    }
  } finally {
    await connection.close();
  }
  expect(history.length).toBeGreaterThan(1_000);
  const log = readFileSync(logFile, 'utf8');
  expect(log).toMatch(/"msg":"install"/);
  const output = cliOutput.join('\n');
  expect(output).toContain(bad);
  const leaks = Object.entries(planted).flatMap(([what, secret]) =>
    [
      ['log', log],
      ['CLI output', output],
      ['raw history', history],
    ]
      .filter(([, text]) => text?.includes(secret))
      .map(([where]) => `${what} in ${where}`),
  );
  expect(leaks).toEqual([]);
}, 420_000);
