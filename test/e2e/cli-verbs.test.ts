// Every CLI verb against the real local environment (real Temporal dev server, real API servers, real Helm), in the
// order a user meets them: preflight, apply --wait, get (-o yaml, --watch), describe, pause/resume, reinstall,
// delete --uninstall, delete target; and the error paths: unknown names, a --wait that times out (exit 4), an
// unknown connection profile. One Integration on two clusters carries the whole file.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { execa } from 'execa';
import { parse } from 'yaml';
import { repoRoot, toolEnv, waitFor } from './env/environment.js';
import { type KsitHarness, startKsit } from './helpers/ksit-worker.js';

let ksit: KsitHarness;
let dir: string;
let name: string;
let targets: [string, string];

beforeAll(async () => {
  ksit = await startKsit();
  dir = await mkdtemp(join(tmpdir(), 'ksit-verbs-'));
  name = `verbs-${ksit.run}`;
  targets = [`${name}-a`, `${name}-b`];
}, 120_000);

afterAll(async () => {
  for (const id of [
    `integration/ksit-system/${name}`,
    `integration/ksit-system/slow-${ksit.run}`,
    ...targets.map((t) => `target/ksit-system/${t}`),
  ])
    await ksit.client.workflow
      .getHandle(id)
      .terminate('test over')
      .catch(() => undefined);
  await ksit?.stop();
}, 120_000);

const cli = (args: string[], env: Record<string, string> = {}) =>
  execa(process.execPath, [join(repoRoot, 'dist/client/cli.js'), ...args], {
    reject: false,
    env: { TEMPORAL_ADDRESS: ksit.env.temporalAddress, KSIT_TASK_QUEUE: ksit.taskQueue, NO_COLOR: '1', ...env },
  });

function targetYaml(targetName: string, clusterIndex: number): string {
  const c = ksit.env.clusters[clusterIndex]!;
  return `apiVersion: ksit.io/v1alpha1
kind: IntegrationTarget
metadata: {name: ${targetName}, namespace: ksit-system, labels: {run: "${ksit.run}"}}
spec: {clusterName: ${c.name}, kubeconfigFile: ${c.kubeconfig}, context: ${c.context}}
`;
}

function integrationYaml(integration: string, values = '{}'): string {
  return `apiVersion: ksit.io/v1alpha1
kind: Integration
metadata: {name: ${integration}, namespace: ksit-system}
spec:
  type: cert-manager
  targetClusters: [${targets.join(', ')}]
  autoInstall:
    enabled: true
    method: helm
    helmConfig:
      repository: ${ksit.env.chartRepoUrl}
      chart: cert-manager
      version: v1.14.4
      releaseName: cert-manager
      values: ${values}
  config: {namespace: ${integration}, healthCheckInterval: 2s, gracePeriod: 5s}
`;
}

/** A loopback port that was free a moment ago: nothing listens there. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function file(fileName: string, text: string): Promise<string> {
  const path = join(dir, fileName);
  await writeFile(path, text);
  return path;
}

test('preflight prints a checklist for targets in the file and changes nothing', async () => {
  const path = await file(
    'all.yaml',
    [targetYaml(targets[0], 0), targetYaml(targets[1], 1), integrationYaml(name, '{installHookSeconds: 3}')].join(
      '---\n',
    ),
  );
  const out = await cli(['preflight', '-f', path]);
  expect(out.stderr).toBe('');
  expect(out.exitCode).toBe(0);
  expect(out.stdout).toContain(`integration ksit-system/${name} (cert-manager, autoInstall)`);
  for (const t of targets) expect(out.stdout).toContain(`  ${t}\n    [ ok ] api-reachable`);
  expect(out.stdout).toMatch(/\[ ok \] rbac: may install and monitor/);
  expect(out.stdout).toMatch(/\n  ready$/);
  const listed = JSON.parse((await cli(['get', 'targets', '-o', 'json'])).stdout) as { name: string }[];
  expect(listed.map((t) => t.name)).not.toContain(targets[0]);

  // A kubeconfig that exists (validation checks that) but points at a port nothing listens on.
  const c = ksit.env.clusters[0]!;
  const closedPort = await freePort();
  const kubeconfig = (await readFile(c.kubeconfig, 'utf8')).replace(
    /server: https:\/\/127\.0\.0\.1:\d+/,
    `server: https://127.0.0.1:${closedPort}`,
  );
  // In a directory the worker allows (KSIT_KUBECONFIG_DIRS): this case is about an unreachable cluster.
  const deadConfig = join(ksit.env.ksitHome, 'kubeconfigs', `dead-${ksit.run}.yaml`);
  await writeFile(deadConfig, kubeconfig);
  const broken = await file(
    'broken.yaml',
    targetYaml(targets[0], 0).replace(/kubeconfigFile: [^,}]+/, `kubeconfigFile: ${deadConfig}`) +
      '---\n' +
      integrationYaml(name).replace(`, ${targets[1]}`, ''),
  );
  const bad = await cli(['preflight', '-f', broken]);
  expect(bad.stderr).toBe('');
  expect(bad.exitCode).toBe(1);
  expect(bad.stdout).toMatch(
    new RegExp(`${targets[0]}\\n    \\[FAIL\\] cluster: .*unreachable.*ECONNREFUSED 127\\.0\\.0\\.1:${closedPort}`),
  );
  expect(bad.stdout).toContain('not ready: fix the failed checks above');
}, 180_000);

test('apply --wait prints progress per cluster and exits 0 once Running everywhere', async () => {
  const out = await cli(['apply', '-f', join(dir, 'all.yaml'), '--wait', '--timeout', '4m']);
  expect(out.exitCode).toBe(0);
  expect(out.stdout).toContain(`integration/${name} created`);
  expect(out.stdout).toContain('all 1 Integration(s) Running');
  for (const t of targets) {
    expect(out.stderr).toContain(`integration/${name} ${t}: Installing`);
    expect(out.stderr).toContain(`integration/${name} ${t}: Running`);
  }
}, 300_000);

test('get -o yaml and get --watch show the Integration', async () => {
  const yaml = await cli(['get', 'integrations', '-o', 'yaml']);
  const list = parse(yaml.stdout) as { name: string; phase: string; clusters: { name: string }[] }[];
  const mine = list.find((i) => i.name === name);
  expect(mine?.phase).toBe('Running');
  expect(mine?.clusters.map((c) => c.name)).toEqual(targets);

  const watch = execa(process.execPath, [join(repoRoot, 'dist/client/cli.js'), 'get', 'integrations', '--watch'], {
    reject: false,
    env: { TEMPORAL_ADDRESS: ksit.env.temporalAddress, NO_COLOR: '1' },
  });
  let seen = '';
  watch.stdout?.on('data', (chunk: Buffer) => (seen += chunk.toString()));
  await waitFor('the watch to print the row', async () => (seen.includes(name) ? true : undefined), {
    timeoutMs: 30_000,
    intervalMs: 200,
  });
  watch.kill('SIGINT');
  await watch;
  expect(seen.split('\n')[0]).toMatch(/^NAME\s+TYPE\s+PHASE\s+READY\s+AGE$/);
  expect(seen).toMatch(new RegExp(`${name}\\s+cert-manager\\s+Running\\s+2/2`));
}, 120_000);

test('describe shows the spec without values, components per cluster, transitions and the history link', async () => {
  const out = await cli(['describe', 'integration', name]);
  expect(out.exitCode).toBe(0);
  expect(out.stdout).toMatch(/^Name:\s+verbs-/);
  expect(out.stdout).toMatch(/Phase:\s+Running/);
  expect(out.stdout).toMatch(
    /Install:\s+helm cert-manager v1\.14\.4 from http:\/\/127\.0\.0\.1:\d+, release cert-manager/,
  );
  expect(out.stdout).toMatch(/Deployment\/cert-manager\s+1\/1\s+ok/);
  expect(out.stdout).toMatch(/Installing\s+installing chart cert-manager v1\.14\.4/);
  expect(out.stdout).toContain(`/workflows/${encodeURIComponent(`integration/ksit-system/${name}`)}`);

  const target = await cli(['describe', 'target', targets[0]]);
  expect(target.exitCode).toBe(0);
  expect(target.stdout).toMatch(/Ready:\s+Ready/);
  expect(target.stdout).toMatch(new RegExp(`Used by:\\s+ksit-system/${name}`));
}, 60_000);

test('pause and resume one cluster; an unknown cluster is refused with the known ones', async () => {
  const paused = await cli(['pause', 'integration', name, '--cluster', targets[1]]);
  expect(paused.stdout).toBe(`integration/${name} paused (${targets[1]})`);
  await waitFor(
    'cluster b Paused',
    async () => {
      const list = JSON.parse((await cli(['get', 'integrations', '-o', 'json'])).stdout) as {
        name: string;
        clusters: { name: string; phase: string }[];
      }[];
      const phases = list.find((i) => i.name === name)?.clusters.map((c) => c.phase);
      return phases?.join() === 'Running,Paused' ? true : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 1_000 },
  );
  const unknown = await cli(['pause', 'integration', name, '--cluster', 'cluster-9']);
  expect(unknown.exitCode).toBe(1);
  expect(unknown.stderr).toContain(
    `cluster cluster-9 is not a target of ksit-system/${name} (targets: ${targets.join(', ')})`,
  );
  const resumed = await cli(['resume', 'integration', name]);
  expect(resumed.exitCode).toBe(0);
  expect(resumed.stdout).toContain(`(${targets.join(', ')})`);
}, 120_000);

test('reinstall installs again on the chosen cluster only', async () => {
  const helmRevision = async (clusterIndex: number) => {
    const c = ksit.env.clusters[clusterIndex]!;
    const out = await execa(
      'helm',
      ['history', 'cert-manager', '-n', name, '--kubeconfig', c.kubeconfig, '-o', 'json'],
      {
        env: toolEnv(ksit.env),
      },
    );
    return (JSON.parse(out.stdout) as { revision: number }[]).length;
  };
  const before = [await helmRevision(0), await helmRevision(1)];
  const out = await cli(['reinstall', 'integration', name, '--cluster', targets[0]]);
  expect(out.stdout).toBe(`integration/${name} reinstalling (${targets[0]})`);
  await waitFor('a new revision on cluster a', async () => ((await helmRevision(0)) > before[0]! ? true : undefined), {
    timeoutMs: 120_000,
    intervalMs: 2_000,
  });
  expect(await helmRevision(1)).toBe(before[1]);
}, 180_000);

test('apply --wait that runs out of time exits 4 and says the work goes on', async () => {
  const slow = `slow-${ksit.run}`;
  const path = await file('slow.yaml', integrationYaml(slow, '{installHookSeconds: 60}'));
  const out = await cli(['apply', '-f', path, '--wait', '--timeout', '5s']);
  expect(out.exitCode).toBe(4);
  expect(out.stderr).toContain('not Running within 5s; ksit keeps working on it in the background');
  const del = await cli(['delete', 'integration', slow, '--timeout', '2m']);
  expect(del.exitCode).toBe(0);
}, 180_000);

test('names that do not exist are one clear error, exit 1', async () => {
  for (const args of [
    ['describe', 'integration', 'no-such-thing'],
    ['pause', 'integration', 'no-such-thing'],
    ['reinstall', 'integration', 'no-such-thing'],
    ['delete', 'integration', 'no-such-thing'],
    ['describe', 'target', 'no-such-thing'],
    ['delete', 'target', 'no-such-thing'],
  ]) {
    const out = await cli(args);
    expect(out.exitCode).toBe(1);
    expect(out.stderr).toMatch(
      /^ksit: (integration|target) ksit-system\/no-such-thing not found; `ksit get \w+` lists them/,
    );
  }
}, 120_000);

test('connection profiles: a profile file gives the address; an unknown profile is a clear error', async () => {
  const config = await file('temporal.toml', `[profile.local]\naddress = "${ksit.env.temporalAddress}"\n`);
  const ok = await cli(['get', 'integrations', '--profile', 'local', '--config-file', config], {
    TEMPORAL_ADDRESS: '',
  });
  expect(ok.exitCode).toBe(0);
  expect(ok.stdout).toContain(name);
  const bad = await cli(['get', 'integrations', '--profile', 'nope', '--config-file', config]);
  expect(bad.exitCode).toBe(1);
  expect(bad.stderr).toMatch(/cannot load Temporal connection profile "nope" from .*temporal\.toml/);
}, 60_000);

test('delete --uninstall removes the releases and waits for it; delete target removes the target', async () => {
  const out = await cli(['delete', 'integration', name, '--uninstall']);
  expect(out.exitCode).toBe(0);
  expect(out.stdout).toContain(`${targets[0]}: uninstalled; integration deleted`);
  expect(out.stdout).toContain(`integration/${name} deleted`);
  for (const c of ksit.env.clusters.slice(0, 2)) {
    const releases = await execa('helm', ['list', '-a', '-n', name, '--kubeconfig', c.kubeconfig, '-o', 'json'], {
      env: toolEnv(ksit.env),
    });
    expect(JSON.parse(releases.stdout)).toEqual([]);
  }
  const target = await cli(['delete', 'target', targets[0]]);
  expect(target.exitCode).toBe(0);
  expect(target.stdout).toBe(`integrationtarget/${targets[0]} deleted`);
  const listed = JSON.parse((await cli(['get', 'targets', '-o', 'json'])).stdout) as { name: string }[];
  expect(listed.map((t) => t.name)).not.toContain(targets[0]);
}, 240_000);
