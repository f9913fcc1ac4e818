// The real worker entry point (dist/workers/main.js) as a child process, shared by the e2e tests, the fault suite
// and the benchmarks, so that all of them exercise (and measure) the worker users run: its HTTP endpoint on a free
// loopback port, its JSON log in a file, and the signals a platform would send it (SIGTERM on scale-down, SIGKILL
// on a node loss). It runs in its own process group so that one SIGKILL takes its Helm children down too.
import { tmpdir } from 'node:os';
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type LocalEnvironment, repoRoot, waitFor } from '../env/environment.js';

type Exit = { code: number | null; signal: NodeJS.Signals | null; at: number };

export interface WorkerProcess {
  name: string;
  pid: number;
  httpPort: number;
  logFile: string;
  /** Resolves when the process has exited: its exit code, or the signal that ended it. */
  exited: Promise<Exit>;
  /** False once the process has exited. */
  running(): boolean;
  get(path: string): Promise<{ status: number; body: string }>;
  /** Sends a signal to the process (SIGKILL goes to its whole group, taking Helm children down with it). */
  signal(signal: NodeJS.Signals): void;
  /** SIGKILL to the whole process group, like a node losing power. */
  kill(): void;
  /** SIGTERM, then SIGKILL if it has not exited within `timeoutMs`; resolves once it is gone. */
  stop(timeoutMs?: number): Promise<Exit>;
  /** Resident memory of the worker process in KiB (0 once it is gone). */
  rssKib(): number;
}

export interface WorkerProcessOptions {
  taskQueue: string;
  /** Names the default log file and Helm home (default: the task queue). */
  name?: string;
  /** Where stdout and stderr go (default: $KSIT_HOME/logs/worker-<name>.log, truncated). */
  logFile?: string;
  logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error';
  /** Helm's cache/config/data directory (default: $KSIT_HOME/helm-<name>). */
  helmHome?: string;
  graceSeconds?: number;
  /** Extra environment, e.g. KSIT_CONTROL_KUBECONFIG. */
  env?: NodeJS.ProcessEnv;
  /** Node options for the worker, e.g. --cpu-prof. */
  nodeArgs?: string[];
  /** Wait until /readyz answers 200 (default true); the HTTP port is always waited for. */
  waitReady?: boolean;
}

const liveWorkers = new Set<number>();

/**
 * A worker runs in a process group of its own (a test SIGKILLs it with its children), so nothing stops it when the
 * process that started it ends: a crashed or interrupted test or benchmark would leave it polling its task queue.
 */
function killAtExit(pid: number): void {
  if (liveWorkers.size === 0)
    process.once('exit', () =>
      liveWorkers.forEach((p) => {
        try {
          process.kill(-p, 'SIGKILL');
        } catch {
          // already gone
        }
      }),
    );
  liveWorkers.add(pid);
}

export async function startWorkerProcess(env: LocalEnvironment, o: WorkerProcessOptions): Promise<WorkerProcess> {
  const name = o.name ?? o.taskQueue;
  const logFile = o.logFile ?? join(env.ksitHome, 'logs', `worker-${name}.log`);
  mkdirSync(dirname(logFile), { recursive: true });
  const out = openSync(logFile, 'a');
  const child: ChildProcess = spawn(process.execPath, [...(o.nodeArgs ?? []), join(repoRoot, 'dist/workers/main.js')], {
    detached: true,
    stdio: ['ignore', out, out],
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: env.temporalAddress,
      TEMPORAL_NAMESPACE: env.temporalNamespace,
      KSIT_TASK_QUEUE: o.taskQueue,
      KSIT_HELM_BINARY: join(env.binDir, 'helm'),
      KSIT_HELM_HOME: o.helmHome ?? join(env.ksitHome, `helm-${name}`),
      // The local clusters' kubeconfig files, and those tests write into the temp directory, are where tests point
      // targets' kubeconfigFile.
      KSIT_KUBECONFIG_DIRS: [join(env.ksitHome, 'kubeconfigs'), tmpdir()].join(':'),
      // ... and the manifests come from a loopback http server.
      KSIT_ALLOW_PRIVATE_MANIFEST_HOSTS: 'true',
      KSIT_SOURCE_DIRS: env.ksitHome,
      // A replacement starts while a killed worker may still hold its port: each picks a free one.
      KSIT_HTTP_PORT: '0',
      KSIT_HTTP_HOST: '127.0.0.1',
      KSIT_SHUTDOWN_GRACE_SECONDS: String(o.graceSeconds ?? 30),
      LOG_LEVEL: o.logLevel ?? 'info',
      ...o.env,
    },
  });
  closeSync(out); // the child holds its own copy
  const pid = child.pid;
  if (!pid) throw new Error(`worker ${name} did not start`);
  killAtExit(pid);
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => {
      liveWorkers.delete(pid);
      resolve({ code, signal, at: Date.now() });
    }),
  );
  let gone = false;
  void exited.then(() => (gone = true));

  // The log is appended to across restarts: only lines written after this start count.
  const logStart = readFileSync(logFile).length;
  const newLog = () => readFileSync(logFile).subarray(logStart).toString('utf8');
  const httpPort = await waitFor(
    `worker ${name} to log its HTTP port (${logFile})`,
    async () => {
      if (gone) throw new Error(`worker ${name} exited:\n${newLog().slice(-2_000)}`);
      const line = newLog()
        .split('\n')
        .find((l) => l.includes('"msg":"http endpoint listening'));
      return line ? (JSON.parse(line) as { port: number }).port : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 100 },
  );
  const signal = (s: NodeJS.Signals) => {
    if (gone) return;
    try {
      process.kill(s === 'SIGKILL' ? -pid : pid, s);
    } catch {
      // already gone
    }
  };
  const worker: WorkerProcess = {
    name,
    pid,
    httpPort,
    logFile,
    exited,
    running: () => !gone,
    async get(path) {
      const res = await fetch(`http://127.0.0.1:${httpPort}${path}`, { signal: AbortSignal.timeout(10_000) });
      return { status: res.status, body: await res.text() };
    },
    signal,
    kill: () => signal('SIGKILL'),
    async stop(timeoutMs = 60_000) {
      signal('SIGTERM');
      const timer = setTimeout(() => signal('SIGKILL'), timeoutMs);
      const exit = await exited;
      clearTimeout(timer);
      return exit;
    },
    rssKib() {
      try {
        const match = /^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        return match ? Number(match[1]) : 0;
      } catch {
        return 0;
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
    { timeoutMs: 240_000, intervalMs: 500 },
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
