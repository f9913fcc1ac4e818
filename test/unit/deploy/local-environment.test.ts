// deploy/local/environment.ts: the one description of the local environment (env.json, status, search attributes)
// that env.sh, the e2e tests and the benchmarks share. env.sh runs it from source, so that path is tested too.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  deadComponents,
  describeEnvironment,
  localLayout,
  paths,
  processState,
  repoRoot,
  searchAttributeFlags,
} from '../../../deploy/local/environment.js';
import { KSIT_SEARCH_ATTRIBUTES } from '../../../workflows/search-attributes.js';

let home: string;
beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'ksit-env-'));
  for (const cluster of ['cluster-2', 'ksit-control'])
    mkdirSync(join(home, 'kwok/clusters', cluster, 'pids'), { recursive: true });
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

const layoutEnv = () => ({
  KSIT_HOME: home,
  KSIT_TEMPORAL_PORT: '7306',
  KSIT_TEMPORAL_UI_PORT: '8306',
  KSIT_CHART_REPO_PORT: '8906',
  KSIT_BIN_DIR: '/b',
});

describe('env.json', () => {
  test('takes ports and places from the same variables env.sh uses, requested clusters first', () => {
    const env = describeEnvironment(localLayout(layoutEnv()), ['cluster-1', 'cluster-2']);
    expect(env).toMatchObject({
      ksitHome: home,
      temporalAddress: '127.0.0.1:7306',
      temporalUiUrl: 'http://127.0.0.1:8306',
      chartRepoUrl: 'http://127.0.0.1:8906',
      fluxManifestUrl: 'http://127.0.0.1:8906/manifests/flux-install.yaml',
      binDir: '/b',
    });
    expect(env.kubeVersion).toMatch(/^v1\.\d+\.\d+$/);
    expect(env.clusters.map((c) => c.name)).toEqual(['cluster-1', 'cluster-2', 'ksit-control']);
    expect(env.clusters[0]).toEqual({
      name: 'cluster-1',
      kubeconfig: join(home, 'kubeconfigs/cluster-1.yaml'),
      context: 'cluster-1',
    });
  });

  test('env.sh runs the module from source on the pinned Node and gets the same file', () => {
    const run = spawnSync(process.execPath, [join(repoRoot, 'deploy/local/environment.ts'), 'env-json', 'cluster-1'], {
      env: { ...process.env, ...layoutEnv() },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`env.json     ${join(home, 'env.json')}`);
    const written = JSON.parse(readFileSync(join(home, 'env.json'), 'utf8'));
    expect(written).toEqual(describeEnvironment(localLayout(layoutEnv()), ['cluster-1']));
  });
});

describe('processes', () => {
  test('a pid file of a live process is running, with its memory; a missing or stale one is not', () => {
    const file = join(home, 'self.pid');
    writeFileSync(file, `${process.pid}\n`);
    const self = processState('self', file);
    expect(self).toMatchObject({ pid: process.pid, alive: true });
    expect(self.rssKiB).toBeGreaterThan(1000);
    writeFileSync(file, '999999999\n');
    expect(processState('gone', file)).toMatchObject({ alive: false, rssKiB: 0 });
    expect(processState('none', join(home, 'no.pid')).alive).toBe(false);
  });

  test('a cluster whose pid files are missing has every component dead', () => {
    const l = localLayout(layoutEnv());
    writeFileSync(paths.componentPid(l, 'cluster-2', 'etcd'), `${process.pid}`);
    expect(deadComponents(l, 'cluster-2')).toEqual([
      'kube-apiserver',
      'kube-controller-manager',
      'kube-scheduler',
      'kwok-controller',
    ]);
  });
});

test('search attributes for the temporal CLI come from the list the workflows use', () => {
  const flags = searchAttributeFlags();
  expect(flags.map((f) => f.split('=')[0])).toEqual(KSIT_SEARCH_ATTRIBUTES.map((k) => k.name));
  expect(flags).toContain('KsitClusters=KeywordList');
  expect(flags).toContain('KsitKind=Keyword');
});
