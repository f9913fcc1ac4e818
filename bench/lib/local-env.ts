// The local environment for benchmarks: brings up (or reuses) deploy/local/env.sh with the clusters a benchmark
// needs, and finds the pids of the processes whose CPU a benchmark reports.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import {
  envScript,
  ksitHome,
  loadEnvironment,
  type LocalEnvironment,
  toolEnv,
} from '../../test/e2e/env/environment.js';
import { log } from './report.js';

export const clusterNames = (n: number) => Array.from({ length: n }, (_, i) => `cluster-${i + 1}`);

/** `env.sh up --names cluster-1,...`: starts what is missing, reuses what runs. */
export async function ensureEnvironment(clusters: string[]): Promise<LocalEnvironment> {
  const started = Date.now();
  const path = `${join(process.env.KSIT_CACHE_DIR ?? join(process.env.HOME ?? '', '.cache/ksit'), 'bin')}:${process.env.PATH}`;
  // On a loaded machine a new cluster's kube-controller-manager can give up waiting for its API server (20 s)
  // and exit; `up` again restarts whatever component is not running.
  for (let attempt = 1; ; attempt++) {
    log(`env.sh up --names ${clusters.join(',')}`);
    await execa(envScript, ['up', '--names', clusters.join(',')], {
      env: { ...process.env, PATH: path },
      stdout: 'ignore',
      stderr: ['pipe', 'inherit'],
    });
    const dead = clusters.flatMap((c) => deadComponents(c).map((x) => `${c}/${x}`));
    if (dead.length === 0) break;
    if (attempt >= 3) throw new Error(`cluster components not running after ${attempt} tries: ${dead.join(', ')}`);
    log(`not running after up: ${dead.join(', ')}; once more`);
  }
  log(`environment up in ${Math.round((Date.now() - started) / 1000)} s`);
  return loadEnvironment();
}

const COMPONENTS = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok-controller'];

function deadComponents(cluster: string): string[] {
  return COMPONENTS.filter((c) => {
    try {
      const pid = pidOf(join(ksitHome(), 'kwok/clusters', cluster, 'pids', `${c}.pid`));
      process.kill(pid, 0);
      return /^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8')); // a zombie is dead too
    } catch {
      return true;
    }
  });
}

export function pidOf(file: string): number {
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (!pid) throw new Error(`no pid in ${file}`);
  return pid;
}

export const temporalPid = () => pidOf(join(ksitHome(), 'temporal/temporal.pid'));

/** The kube-apiserver pids of the given clusters (kwokctl keeps them under KSIT_HOME/kwok). */
export function apiserverPids(clusters: string[]): number[] {
  return clusters.map((c) => pidOf(join(ksitHome(), 'kwok/clusters', c, 'pids/kube-apiserver.pid')));
}

export { toolEnv, type LocalEnvironment };
