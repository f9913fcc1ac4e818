import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection, createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import { registerSearchAttributes } from './search-attributes.js';

const servers = new WeakMap<TestWorkflowEnvironment, ChildProcess>();

/**
 * The Java time-skipping test server, built by deploy/local/tools.sh. We start it ourselves rather than through
 * the SDK's ephemeral-server launcher, whose fixed 5-second start limit a JVM misses on a busy 2-core machine.
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  // SDK logs only when something is wrong; the runtime can be installed once per process.
  try {
    Runtime.install({
      logger: new DefaultLogger('WARN'),
      telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR', other: 'ERROR' }) } },
    });
  } catch {
    // already installed by an earlier test file in this jest worker
  }
  const bin = process.env.KSIT_BIN_DIR ?? join(homedir(), '.cache', 'ksit', 'bin');
  const port = await freePort();
  const server = spawn(join(bin, 'temporal-test-server'), [String(port)], { stdio: 'ignore' });
  await waitForPort(port, 90_000);
  const env = await (
    TestWorkflowEnvironment as unknown as {
      create(opts: object): Promise<TestWorkflowEnvironment>;
    }
  ).create({
    server: { type: 'existing' },
    supportsTimeSkipping: true,
    address: `127.0.0.1:${port}`,
    namespace: 'default',
  });
  servers.set(env, server);
  await registerSearchAttributes(env);
  return env;
}

export async function teardownTimeSkippingEnv(env: TestWorkflowEnvironment | undefined): Promise<void> {
  if (!env) return;
  await env.teardown();
  servers.get(env)?.kill('SIGKILL');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const sock = createConnection({ port, host: '127.0.0.1' }, () => {
        sock.end();
        resolve(true);
      });
      sock.on('error', () => resolve(false));
    });
    if (open) return;
    await sleep(200);
  }
  throw new Error(`time-skipping test server did not listen on ${port} within ${timeoutMs} ms`);
}

export const workflowsPath = new URL('../../../workflows/index.js', import.meta.url).pathname;
