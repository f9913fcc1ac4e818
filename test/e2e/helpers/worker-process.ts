// The real worker entry point (dist/workers/main.js) as a child process of the test: its HTTP endpoint on a free
// loopback port, its log in $KSIT_HOME/logs, and the signals a platform would send it (SIGTERM on scale-down,
// SIGKILL on a node loss).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type LocalEnvironment, repoRoot, waitFor } from '../env/environment.js';

export interface WorkerProcess {
  name: string;
  pid: number;
  httpPort: number;
  logFile: string;
  /** Resolves when the process has exited: its exit code, or the signal that ended it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  get(path: string): Promise<{ status: number; body: string }>;
  /** Sends a signal to the process (SIGKILL goes to its whole group, taking Helm children down with it). */
  signal(signal: NodeJS.Signals): void;
}

export interface WorkerProcessOptions {
  name: string;
  taskQueue: string;
  run: string;
  graceSeconds?: number;
  /** Wait until /readyz answers 200 (default true). */
  waitReady?: boolean;
}

export async function startWorkerProcess(env: LocalEnvironment, o: WorkerProcessOptions): Promise<WorkerProcess> {
  const logDir = join(env.ksitHome, 'logs');
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `e2e-${o.run}-${o.name}.log`);
  const out = openSync(logFile, 'w');
  const child: ChildProcess = spawn(process.execPath, [join(repoRoot, 'dist/workers/main.js')], {
    detached: true,
    stdio: ['ignore', out, out],
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: env.temporalAddress,
      TEMPORAL_NAMESPACE: env.temporalNamespace,
      KSIT_TASK_QUEUE: o.taskQueue,
      KSIT_HELM_BINARY: join(env.binDir, 'helm'),
      KSIT_HELM_HOME: join(env.ksitHome, `helm-${o.run}-${o.name}`),
      KSIT_HTTP_PORT: '0',
      KSIT_HTTP_HOST: '127.0.0.1',
      KSIT_SHUTDOWN_GRACE_SECONDS: String(o.graceSeconds ?? 30),
      LOG_LEVEL: 'info',
    },
  });
  const pid = child.pid;
  if (!pid) throw new Error(`worker ${o.name} did not start`);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  let gone = false;
  void exited.then(() => (gone = true));

  const httpPort = await waitFor(
    `worker ${o.name} to log its HTTP port (${logFile})`,
    async () => {
      if (gone) throw new Error(`worker ${o.name} exited:\n${readFileSync(logFile, 'utf8').slice(-2_000)}`);
      const line = readFileSync(logFile, 'utf8')
        .split('\n')
        .find((l) => l.includes('"msg":"http endpoint listening'));
      return line ? (JSON.parse(line) as { port: number }).port : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 100 },
  );
  const get = async (path: string) => {
    const res = await fetch(`http://127.0.0.1:${httpPort}${path}`, { signal: AbortSignal.timeout(10_000) });
    return { status: res.status, body: await res.text() };
  };
  const worker: WorkerProcess = {
    name: o.name,
    pid,
    httpPort,
    logFile,
    exited,
    get,
    signal(signal) {
      if (gone) return;
      try {
        process.kill(signal === 'SIGKILL' ? -pid : pid, signal);
      } catch {
        // already gone
      }
    },
  };
  if (o.waitReady !== false) await waitReady(worker);
  return worker;
}

/** Waits until the worker polls its task queue (bundling the workflows takes a while on a busy machine). */
export async function waitReady(worker: WorkerProcess): Promise<void> {
  await waitFor(
    `worker ${worker.name} ready`,
    async () => ((await worker.get('/readyz')).status === 200 ? true : undefined),
    {
      timeoutMs: 240_000,
      intervalMs: 500,
    },
  );
}

/** One sample of a Prometheus text exposition whose labels include all of `labels`, or undefined. */
export function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const close = line.lastIndexOf('}');
    const body = line.slice(name.length + 1, close);
    const found = Object.fromEntries([...body.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(line.slice(close + 1).trim());
  }
  return undefined;
}
