import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { ResolvedKubeconfig } from '../kube/credentials.js';
import { helmEnv } from './helm-env.js';

export interface HelmRunOptions {
  kubeconfig: ResolvedKubeconfig;
  timeoutMs: number;
  /** Extra files (e.g. a values file) written next to the kubeconfig, 0600, removed afterwards. */
  files?: Record<string, string>;
  /** Aborts the helm process, e.g. when the activity is cancelled. */
  signal?: AbortSignal;
}

export interface HelmResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export type HelmRunner = (args: (dir: string) => string[], opts: HelmRunOptions) => Promise<HelmResult>;

/**
 * Runs the Helm CLI with a private, throwaway kubeconfig file (credentials never reach argv or logs) and
 * Helm's cache/config under `helmHome`, which must be writable (read-only root filesystems mount a tmp there),
 * and an allow-listed environment (helm-env.ts).
 */
export function createHelmRunner(helmBinary = 'helm', helmHome = join(tmpdir(), 'ksit-helm')): HelmRunner {
  return async (args, opts) => {
    const dir = await mkdtemp(join(tmpdir(), 'ksit-helm-run-'));
    try {
      const kubeconfigPath = join(dir, 'kubeconfig');
      await writeFile(kubeconfigPath, opts.kubeconfig.yaml, { mode: 0o600 });
      for (const [name, content] of Object.entries(opts.files ?? {})) {
        await writeFile(join(dir, name), content, { mode: 0o600 });
      }
      const context = opts.kubeconfig.context ? ['--kube-context', opts.kubeconfig.context] : [];
      // The global flags come first: the verb's arguments may end with `--` and positional names after it.
      const result = await execa(helmBinary, ['--kubeconfig', kubeconfigPath, ...context, ...args(dir)], {
        reject: false,
        timeout: opts.timeoutMs,
        cancelSignal: opts.signal,
        extendEnv: false,
        env: helmEnv(helmHome),
      });
      const timedOut = result.timedOut ? `helm timed out after ${opts.timeoutMs} ms` : '';
      return {
        stdout: String(result.stdout ?? ''),
        stderr: [String(result.stderr ?? ''), timedOut].filter(Boolean).join('\n'),
        exitCode: result.exitCode ?? (result.timedOut || result.isCanceled ? 124 : 1),
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
}
