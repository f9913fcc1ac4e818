// The real worker entry point (dist/workers/main.js) as a separate process, for tests that kill it, measure its
// memory or read its log. It runs in its own process group so that one kill takes its Helm children down too.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { repoRoot, type LocalEnvironment } from '../../e2e/env/environment.js';

export interface WorkerProcessOptions {
  taskQueue: string;
  /** Helm's cache/config/data directory for this worker (default: $KSIT_HOME/helm-<taskQueue>). */
  helmHome?: string;
  /** Where stdout and stderr go (appended); without it they are discarded. */
  logFile?: string;
  logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error';
  /** Extra environment, e.g. KSIT_CONTROL_KUBECONFIG. */
  env?: NodeJS.ProcessEnv;
}

export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  /** SIGKILL to the whole process group, like a node losing power. */
  kill(): void;
  /** Resident memory of the worker process in KiB (0 once it is gone). */
  rssKib(): number;
}

export function startWorkerProcess(env: LocalEnvironment, options: WorkerProcessOptions): WorkerProcess {
  let out: number | 'ignore' = 'ignore';
  if (options.logFile) {
    mkdirSync(dirname(options.logFile), { recursive: true });
    out = openSync(options.logFile, 'a');
  }
  const child = spawn(process.execPath, [join(repoRoot, 'dist/workers/main.js')], {
    detached: true,
    stdio: ['ignore', out, out],
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: env.temporalAddress,
      TEMPORAL_NAMESPACE: env.temporalNamespace,
      KSIT_TASK_QUEUE: options.taskQueue,
      KSIT_HELM_BINARY: join(env.binDir, 'helm'),
      KSIT_HELM_HOME: options.helmHome ?? join(env.ksitHome, `helm-${options.taskQueue}`),
      LOG_LEVEL: options.logLevel ?? 'warn',
      // A replacement starts while a killed worker may still hold its port: each picks a free one.
      KSIT_HTTP_PORT: '0',
      ...options.env,
    },
  });
  if (typeof out === 'number') closeSync(out); // the child holds its own copy
  if (!child.pid) throw new Error('the worker process did not start');
  const pid = child.pid;
  return {
    child,
    pid,
    kill() {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
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
}
