// The local environment for benchmarks: brings up (or reuses) deploy/local/env.sh with the clusters a benchmark
// needs, and finds the pids of the processes whose CPU a benchmark reports.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { deadComponents, livePid, localLayout, paths } from '../../deploy/local/environment.js';
import { envScript, loadEnvironment, type LocalEnvironment, toolEnv } from '../../test/e2e/env/environment.js';
import { treeCpuSeconds } from './proc.js';
import { log } from './report.js';

export const clusterNames = (n: number) => Array.from({ length: n }, (_, i) => `cluster-${i + 1}`);

/** `env.sh up --names cluster-1,...`: starts what is missing, reuses what runs. */
export async function ensureEnvironment(clusters: string[]): Promise<LocalEnvironment> {
  const started = Date.now();
  const path = `${localLayout().binDir}:${process.env.PATH}`;
  // On a loaded machine a new cluster's kube-controller-manager can give up waiting for its API server (20 s)
  // and exit; `up` again restarts whatever component is not running.
  for (let attempt = 1; ; attempt++) {
    log(`env.sh up --names ${clusters.join(',')}`);
    await execa(envScript, ['up', '--names', clusters.join(',')], {
      env: { ...process.env, PATH: path },
      stdout: 'ignore',
      stderr: ['pipe', 'inherit'],
    });
    const dead = clusters.flatMap((c) => deadComponents(localLayout(), c).map((x) => `${c}/${x}`));
    if (dead.length === 0) break;
    if (attempt >= 3) throw new Error(`cluster components not running after ${attempt} tries: ${dead.join(', ')}`);
    log(`not running after up: ${dead.join(', ')}; once more`);
  }
  log(`environment up in ${Math.round((Date.now() - started) / 1000)} s`);
  return loadEnvironment();
}

/**
 * Which Temporal the local environment runs (env.sh keeps it in KSIT_HOME/temporal/mode): rows measured on the
 * PostgreSQL server are keyed apart from the dev server's, so the two sit side by side in one results file.
 */
export function temporalKind(): 'dev' | 'postgres' {
  const mode = readFileSync(join(localLayout().ksitHome, 'temporal/mode'), 'utf8').trim();
  return mode === 'postgres' ? 'postgres' : 'dev';
}

/** '' on the dev server, '-postgres' on PostgreSQL: the suffix of a results row's key. */
export const temporalKeySuffix = () => (temporalKind() === 'postgres' ? '-postgres' : '');

/** CPU seconds PostgreSQL (all its backends) has used so far, when the environment runs Temporal on it. */
export function postgresCpu(): number | undefined {
  if (temporalKind() !== 'postgres') return undefined;
  const pid = Number(readFileSync(join(localLayout().ksitHome, 'temporal/postgres.pid'), 'utf8').trim());
  return treeCpuSeconds(pid);
}

export const temporalPid = () => livePid('temporal', paths.temporalPid(localLayout()));

/** The kube-apiserver pids of the given clusters (kwokctl keeps them under KSIT_HOME/kwok). */
export function apiserverPids(clusters: string[]): number[] {
  return clusters.map((c) => livePid(`${c}/kube-apiserver`, paths.componentPid(localLayout(), c, 'kube-apiserver')));
}

export { toolEnv, type LocalEnvironment };
