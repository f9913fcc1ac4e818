// The real controller entry point (dist/controller/main.js) as a child process, for the front-door tests: its log
// in a file, SIGKILL for a crash, SIGTERM for a rollout.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type LocalEnvironment, repoRoot } from '../env/environment.js';

export interface ControllerProcess {
  id: string;
  logFile: string;
  log(): string;
  kill(): void;
  stop(): Promise<void>;
}

export function startController(
  env: LocalEnvironment,
  o: {
    id: string;
    taskQueue: string;
    controlKubeconfig: string;
    leaseNamespace: string;
    /** The status round (tests: 1 s; the controller's default is 2 s). */
    statusEveryMs?: number;
    /** The Lease's duration (tests: 4 s, so that a killed leader is replaced quickly; the default is 15 s). */
    leaseSeconds?: number;
  },
): ControllerProcess {
  const logFile = join(env.ksitHome, 'logs', `controller-${o.id}.log`);
  mkdirSync(join(env.ksitHome, 'logs'), { recursive: true });
  const out = openSync(logFile, 'w');
  const child: ChildProcess = spawn(process.execPath, [join(repoRoot, 'dist/controller/main.js')], {
    stdio: ['ignore', out, out],
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: env.temporalAddress,
      TEMPORAL_NAMESPACE: env.temporalNamespace,
      KSIT_TASK_QUEUE: o.taskQueue,
      KSIT_CONTROL_KUBECONFIG: o.controlKubeconfig,
      KSIT_CONTROLLER_ID: o.id,
      KSIT_LEASE_NAMESPACE: o.leaseNamespace,
      // Short, so that a killed leader is replaced within the test's patience.
      KSIT_LEASE_SECONDS: String(o.leaseSeconds ?? 4),
      KSIT_STATUS_EVERY_MS: String(o.statusEveryMs ?? 1000),
      KSIT_CONTROLLER_HTTP_PORT: '0',
      KSIT_CONTROLLER_HTTP_HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
    },
  });
  closeSync(out);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    id: o.id,
    logFile,
    log: () => readFileSync(logFile, 'utf8'),
    kill: () => child.kill('SIGKILL'),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
