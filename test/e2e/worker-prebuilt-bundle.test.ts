// The image's way of starting the worker: workers/bundle-workflows.ts writes the workflow bundle ahead of time, and
// the real worker entry point, given KSIT_WORKFLOW_BUNDLE, runs workflows from that file (no bundling at start).
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { Client, Connection } from '@temporalio/client';
import { execa } from 'execa';
import type { TargetSpec } from '../../shared/types.js';
import { targetStatusQuery, workflowIds } from '../../workflows/definitions.js';
import { loadEnvironment, repoRoot, waitFor, type LocalEnvironment } from './env/environment.js';

const run = randomUUID().slice(0, 8);
let env: LocalEnvironment;
let client: Client;
let dir: string;
let worker: ChildProcess | undefined;
let output = '';
const started: string[] = [];

beforeAll(async () => {
  env = loadEnvironment();
  client = new Client({ connection: await Connection.connect({ address: env.temporalAddress }) });
  dir = await mkdtemp(join(tmpdir(), 'ksit-bundle-'));
});
afterAll(async () => {
  for (const id of started)
    await client.workflow
      .getHandle(id)
      .terminate('test over')
      .catch(() => undefined);
  worker?.kill('SIGKILL');
  await client.connection.close();
  await rm(dir, { recursive: true, force: true });
});

test('the bundle script writes a bundle that the worker entry point starts from and runs workflows with', async () => {
  const bundle = join(dir, 'workflow-bundle.js');
  const built = await execa(process.execPath, [join(repoRoot, 'dist/workers/bundle-workflows.js'), bundle]);
  expect(built.stdout).toContain(`workflow bundle: ${bundle}`);
  expect((await stat(bundle)).size).toBeGreaterThan(100_000);
  // Workflow-side failures must be encrypted with the codec on, so the bundle carries the encoding converter.
  expect(await readFile(bundle, 'utf8')).toContain('shared/codec/failure-converter.js');

  const taskQueue = `e2e-bundle-${run}`;
  worker = spawn(process.execPath, [join(repoRoot, 'dist/workers/main.js')], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: env.temporalAddress,
      KSIT_TASK_QUEUE: taskQueue,
      KSIT_WORKFLOW_BUNDLE: bundle,
      KSIT_HELM_BINARY: join(env.binDir, 'helm'),
      KSIT_HELM_HOME: join(dir, 'helm'),
      KSIT_KUBECONFIG_DIRS: join(env.ksitHome, 'kubeconfigs'),
      KSIT_ALLOW_PRIVATE_MANIFEST_HOSTS: 'true',
      // The metrics/health server, where the worker has one: a free port, not the default.
      KSIT_HTTP_PORT: '0',
      LOG_LEVEL: 'info',
    },
  });
  worker.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  worker.stderr?.on('data', (d: Buffer) => (output += d.toString()));

  const cluster = env.clusters[0]!;
  const target: TargetSpec = {
    name: `bundle-${run}`,
    namespace: 'ksit-system',
    clusterName: cluster.name,
    labels: {},
    credentials: { kind: 'file', path: cluster.kubeconfig, context: cluster.context },
  };
  const workflowId = workflowIds.target(target.namespace, target.name);
  const handle = await client.workflow.start('targetWorkflow', {
    taskQueue,
    workflowId,
    args: [{ target }],
    memo: { target },
  });
  started.push(workflowId);
  const status = await waitFor(
    'the target workflow, run by the worker from the prebuilt bundle, to report Ready',
    async () => {
      if (worker?.exitCode !== null) throw new Error(`worker exited ${worker?.exitCode}: ${output}`);
      const s = await handle.query(targetStatusQuery);
      return s.ready ? s : undefined;
    },
    { timeoutMs: 60_000 },
  );
  expect(status.serverVersion).toBe(env.kubeVersion);

  const startedLine = output.split('\n').find((l) => l.includes('ksit worker started'));
  expect(JSON.parse(startedLine ?? '{}')).toMatchObject({ bundle, taskQueue });
  // Bundling at start would have logged webpack's summary; from a prebuilt bundle there is none.
  expect(output).not.toContain('Workflow bundle created');
}, 120_000);
