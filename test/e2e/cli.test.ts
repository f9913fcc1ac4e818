// The ksit CLI against the real local Temporal server and a real cluster: apply (and re-apply), get -o json, and
// the error paths (invalid file applies nothing; unreachable server is one clear line and exit 3).
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { execa } from 'execa';
import { repoRoot, waitFor } from './env/environment.js';
import { type KsitHarness, startKsit } from './helpers/ksit-worker.js';

let ksit: KsitHarness;
let dir: string;
beforeAll(async () => {
  ksit = await startKsit();
  dir = await mkdtemp(join(tmpdir(), 'ksit-cli-'));
}, 120_000);
afterAll(async () => {
  // The CLI started these; end them so no workflow is left without a worker.
  for (const id of [`integration/ksit-system/cli-${ksit.run}`, `target/ksit-system/cli-${ksit.run}-target`]) {
    await ksit.client.workflow
      .getHandle(id)
      .terminate('test over')
      .catch(() => undefined);
  }
  await ksit?.stop();
});

const cli = (args: string[], env: Record<string, string> = {}) =>
  execa(process.execPath, [join(repoRoot, 'dist/client/cli.js'), ...args], {
    reject: false,
    env: { TEMPORAL_ADDRESS: ksit.env.temporalAddress, KSIT_TASK_QUEUE: ksit.taskQueue, ...env },
  });

function files(name: string) {
  const cluster = ksit.env.clusters[0]!;
  const target = `apiVersion: ksit.io/v1alpha1
kind: IntegrationTarget
metadata: {name: ${name}-target, namespace: ksit-system}
spec:
  clusterName: ${cluster.name}
  kubeconfigFile: ${cluster.kubeconfig}
  context: ${cluster.context}
`;
  const integration = `apiVersion: ksit.io/v1alpha1
kind: Integration
metadata: {name: ${name}, namespace: ksit-system}
spec:
  type: kyverno
  targetClusters: [${name}-target]
  config:
    namespace: ${name}
    healthCheckInterval: 2s
`;
  return { target, integration };
}

test('apply starts workflows, get -o json reports them, re-applying changes nothing', async () => {
  const name = `cli-${ksit.run}`;
  const { target, integration } = files(name);
  await writeFile(join(dir, 'ok.yaml'), `${target}---\n${integration}`);
  const first = await cli(['apply', '-f', join(dir, 'ok.yaml')]);
  expect(first.stderr).toBe('');
  expect(first.exitCode).toBe(0);
  expect(first.stdout).toContain(`integration/${name} created`);

  const entry = await waitFor(
    'the Integration in get -o json',
    async () => {
      const out = await cli(['get', 'integrations', '-o', 'json']);
      const list = JSON.parse(out.stdout) as {
        name: string;
        phase: string;
        clusters: { name: string; phase: string; message: string }[];
      }[];
      const found = list.find((i) => i.name === name);
      return found && found.phase === 'Failed' ? found : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 2_000 },
  );
  // The contract grew lastCheckAt and component readiness per cluster (issue 12); the rest is unchanged.
  expect(entry.clusters).toEqual([
    expect.objectContaining({
      name: `${name}-target`,
      phase: 'Failed',
      message: `kyverno is not installed in namespace ${name} and autoInstall is off`,
      lastCheckAt: expect.any(String),
    }),
  ]);

  const again = await cli(['apply', '-f', join(dir, 'ok.yaml')]);
  expect(again.exitCode).toBe(0);
  expect(again.stdout).toContain(`integration/${name} unchanged`);
  expect(again.stdout).toContain(`integrationtarget/${name}-target unchanged`);
}, 180_000);

test('an invalid file applies nothing, not even its valid documents', async () => {
  const name = `cli-bad-${ksit.run}`;
  const { target, integration } = files(name);
  await writeFile(
    join(dir, 'bad.yaml'),
    `${target}---\n${integration.replace('healthCheckInterval: 2s', 'healthCheckInterval: "30 seconds"')}`,
  );
  const out = await cli(['apply', '-f', join(dir, 'bad.yaml')]);
  expect(out.exitCode).toBe(1);
  expect(out.stderr).toContain('spec.config.healthCheckInterval');
  expect(out.stderr).not.toMatch(/\n\s+at /);
  const targets = JSON.parse((await cli(['get', 'targets', '-o', 'json'])).stdout) as { name: string }[];
  expect(targets.map((t) => t.name)).not.toContain(`${name}-target`);
}, 60_000);

test('an unreachable Temporal server is one clear line and exit code 3', async () => {
  const out = await cli(['get', 'integrations'], { TEMPORAL_ADDRESS: '127.0.0.1:1' });
  expect(out.exitCode).toBe(3);
  expect(out.stderr).toMatch(/cannot reach the Temporal server at 127\.0\.0\.1:1/);
  expect(out.stderr.trim().split('\n')).toHaveLength(1);
}, 60_000);
