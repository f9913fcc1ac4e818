// The local environment that deploy/local/env.sh runs, described in one place: where its pid files, kubeconfigs
// and env.json are, what env.json says, which of its processes run and their memory. env.sh starts and stops
// processes; this module says what there is, for env.sh (`env.json`, `status`, the summary, the search attributes
// to register), the e2e tests and the benchmarks alike.
//
// env.sh runs it from source on the pinned Node (which strips the types), so that `env.sh up` needs no build:
// keep to erasable TypeScript, `import type` for types, and `.ts` in relative imports (tsc rewrites them).
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { connect } from 'node:net';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { KSIT_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes.ts';

export interface LocalCluster {
  name: string;
  /** Path of a self-contained (flattened) kubeconfig whose current context is `context`. */
  kubeconfig: string;
  context: string;
}

/** The contents of $KSIT_HOME/env.json: what tests, benchmarks and the demo need to find everything. */
export interface LocalEnvironment {
  ksitHome: string;
  temporalAddress: string;
  temporalNamespace: string;
  temporalUiUrl: string;
  chartRepoUrl: string;
  fluxManifestUrl: string;
  /** The pinned tools (helm, kubectl, temporal, kwokctl, node, ...). */
  binDir: string;
  kubeVersion: string;
  clusters: LocalCluster[];
}

/** The processes of one KWOK cluster, by the names of their pid files (kwokctl's <workdir>/clusters/NAME/pids/). */
export const CLUSTER_COMPONENTS = [
  'etcd',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'kwok-controller',
] as const;

/** The repository root: the nearest directory above this file whose package.json is ksit's (works from dist/ too). */
export const repoRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'ksit') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the ksit repository root above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
})();

/** Where everything is, from the same variables and defaults env.sh uses. */
export interface Layout {
  ksitHome: string;
  temporalPort: number;
  temporalUiPort: number;
  chartRepoPort: number;
  binDir: string;
}

export function localLayout(env: NodeJS.ProcessEnv = process.env): Layout {
  const cache = env.KSIT_CACHE_DIR ?? join(env.HOME ?? homedir(), '.cache/ksit');
  return {
    ksitHome: env.KSIT_HOME || join(repoRoot, '.ksit'),
    temporalPort: Number(env.KSIT_TEMPORAL_PORT || 7233),
    temporalUiPort: Number(env.KSIT_TEMPORAL_UI_PORT || 8233),
    chartRepoPort: Number(env.KSIT_CHART_REPO_PORT || 8879),
    binDir: env.KSIT_BIN_DIR || join(cache, 'bin'),
  };
}

export const paths = {
  envJson: (l: Layout) => join(l.ksitHome, 'env.json'),
  temporalPid: (l: Layout) => join(l.ksitHome, 'temporal/temporal.pid'),
  chartRepoPid: (l: Layout) => join(l.ksitHome, 'chart-repo.pid'),
  clusters: (l: Layout) => join(l.ksitHome, 'kwok/clusters'),
  componentPid: (l: Layout, cluster: string, component: string) =>
    join(l.ksitHome, 'kwok/clusters', cluster, 'pids', `${component}.pid`),
  kubeconfig: (l: Layout, cluster: string) => join(l.ksitHome, 'kubeconfigs', `${cluster}.yaml`),
};

/** The env.json of another environment when KSIT_ENV_FILE names one; this layout's otherwise. */
export function envFile(env: NodeJS.ProcessEnv = process.env): string {
  return env.KSIT_ENV_FILE || paths.envJson(localLayout(env));
}

/** The pinned versions (deploy/local/versions.env, shell syntax KEY=VALUE). */
export function pinnedVersions(): Record<string, string> {
  const text = readFileSync(join(repoRoot, 'deploy/local/versions.env'), 'utf8');
  return Object.fromEntries(
    text
      .split('\n')
      .map((line) => /^([A-Z_]+)=(\S+)/.exec(line.trim()))
      .flatMap((match) => (match ? [[match[1], match[2]] as [string, string]] : [])),
  );
}

/** The clusters that exist under this KSIT_HOME (kwokctl keeps one directory each), sorted. */
export function existingClusters(l: Layout = localLayout()): string[] {
  const dir = paths.clusters(l);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** What env.json says: the requested clusters first, then any other that exists here. */
export function describeEnvironment(l: Layout, requested: string[] = []): LocalEnvironment {
  const names = [...requested, ...existingClusters(l).filter((name) => !requested.includes(name))];
  const chartRepoUrl = `http://127.0.0.1:${l.chartRepoPort}`;
  return {
    ksitHome: l.ksitHome,
    temporalAddress: `127.0.0.1:${l.temporalPort}`,
    temporalNamespace: 'default',
    temporalUiUrl: `http://127.0.0.1:${l.temporalUiPort}`,
    chartRepoUrl,
    fluxManifestUrl: `${chartRepoUrl}/manifests/flux-install.yaml`,
    binDir: l.binDir,
    kubeVersion: pinnedVersions().KUBE_VERSION ?? '',
    clusters: names.map((name) => ({ name, kubeconfig: paths.kubeconfig(l, name), context: name })),
  };
}

/** Writes env.json atomically (a reader never sees half a file). */
export function writeEnvJson(l: Layout, env: LocalEnvironment): string {
  const file = paths.envJson(l);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(env, null, 2)}\n`);
  renameSync(tmp, file);
  return file;
}

export function loadEnvironment(file: string = envFile()): LocalEnvironment {
  if (!existsSync(file)) {
    throw new Error(`${file} does not exist: start the local environment with deploy/local/env.sh up`);
  }
  return JSON.parse(readFileSync(file, 'utf8')) as LocalEnvironment;
}

export interface ProcessState {
  name: string;
  pid?: number;
  alive: boolean;
  /** Resident memory in KiB (0 when not running). */
  rssKiB: number;
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** A process from its pid file. A zombie (killed, not yet reaped) counts as dead. */
export function processState(name: string, pidFile: string): ProcessState {
  const pid = readPid(pidFile);
  if (pid === undefined) return { name, alive: false, rssKiB: 0 };
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    if (/^State:\s+Z/m.test(status)) return { name, pid, alive: false, rssKiB: 0 };
    return { name, pid, alive: true, rssKiB: Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0) };
  } catch {
    return { name, pid, alive: false, rssKiB: 0 };
  }
}

export function clusterProcesses(l: Layout, cluster: string): ProcessState[] {
  return CLUSTER_COMPONENTS.map((c) => processState(c, paths.componentPid(l, cluster, c)));
}

/** The components of a cluster that are not running (none: the cluster is whole). */
export function deadComponents(l: Layout, cluster: string): string[] {
  return clusterProcesses(l, cluster)
    .filter((p) => !p.alive)
    .map((p) => p.name);
}

/** The pid of a running process, or an error naming the pid file. */
export function livePid(name: string, pidFile: string): number {
  const state = processState(name, pidFile);
  if (!state.alive || state.pid === undefined) throw new Error(`${name} is not running (pid file ${pidFile})`);
  return state.pid;
}

const within = <T>(ms: number, what: string, work: (done: (value: T) => void, fail: (e: Error) => void) => void) =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    work(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });

/** Resolves when something accepts TCP connections at host:port. */
export function tcpReachable(address: string, ms = 3_000): Promise<void> {
  const [host, port] = address.split(':');
  return within(ms, address, (done, fail) => {
    const socket = connect({ host, port: Number(port) }, () => {
      socket.end();
      done(undefined);
    });
    socket.on('error', fail);
  });
}

/** Resolves when the cluster's API server says it is ready (GET /readyz with the kubeconfig's credentials). */
export function apiServerReady(kubeconfigFile: string, ms = 5_000): Promise<void> {
  const config = parse(readFileSync(kubeconfigFile, 'utf8')) as {
    clusters: { cluster: { server: string; 'certificate-authority-data'?: string } }[];
    users: { user: { 'client-certificate-data'?: string; 'client-key-data'?: string } }[];
  };
  const cluster = config.clusters[0]?.cluster;
  const user = config.users[0]?.user ?? {};
  if (!cluster) throw new Error(`${kubeconfigFile} names no cluster`);
  const pem = (data: string | undefined) => (data ? Buffer.from(data, 'base64') : undefined);
  return within(ms, `API server ${cluster.server}`, (done, fail) => {
    const req = request(
      new URL('/readyz', cluster.server),
      {
        ca: pem(cluster['certificate-authority-data']),
        cert: pem(user['client-certificate-data']),
        key: pem(user['client-key-data']),
      },
      (res) => {
        res.resume();
        if (res.statusCode === 200) done(undefined);
        else fail(new Error(`API server ${cluster.server} answered /readyz with ${res.statusCode}`));
      },
    );
    req.on('error', fail);
    req.end();
  });
}

/** Resolves when the loopback chart repository answers. */
export async function chartRepoReady(url: string, ms = 3_000): Promise<void> {
  const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(ms) });
  if (!res.ok) throw new Error(`chart repo ${url} answered ${res.status}`);
}

/**
 * Resolves when every part of `env` answers (Temporal's port, the chart repo, each cluster's API server) and it has
 * at least `minClusters` clusters; rejects with the first that does not.
 */
export async function checkHealthy(env: LocalEnvironment, minClusters = 1): Promise<void> {
  if (env.clusters.length < minClusters) throw new Error(`only ${env.clusters.length} cluster(s) in env.json`);
  await tcpReachable(env.temporalAddress);
  await chartRepoReady(env.chartRepoUrl);
  await Promise.all(env.clusters.map((c) => apiServerReady(c.kubeconfig)));
}

const up = (probe: Promise<void>) =>
  probe.then(
    () => true,
    () => false,
  );
const mib = (kib: number) => Math.round(kib / 1024);

/** `env.sh status`: what runs, where, and the memory of each process. */
export async function statusText(l: Layout): Promise<string> {
  if (!existsSync(l.ksitHome)) return `no environment at ${l.ksitHome}\n`;
  const env = describeEnvironment(l);
  const line = (name: string, state: ProcessState, serving: boolean, port: number) =>
    `${name.padEnd(22)} ${(state.alive && serving ? 'up' : 'down').padEnd(6)} 127.0.0.1:${port}  ` +
    `pid ${String(state.pid ?? '-').padEnd(8)} ${String(mib(state.rssKiB)).padStart(5)} MiB\n`;
  const temporal = processState('temporal', paths.temporalPid(l));
  const chartRepo = processState('chart-repo', paths.chartRepoPid(l));
  let text = line('temporal', temporal, await up(tcpReachable(env.temporalAddress)), l.temporalPort);
  text += line('chart-repo', chartRepo, await up(chartRepoReady(env.chartRepoUrl)), l.chartRepoPort);
  for (const cluster of env.clusters) {
    const ready = existsSync(cluster.kubeconfig) && (await up(apiServerReady(cluster.kubeconfig)));
    text += `\ncluster ${cluster.name}: apiserver ${ready ? 'up' : 'down'}, kubeconfig ${cluster.kubeconfig}\n`;
    let total = 0;
    for (const p of clusterProcesses(l, cluster.name)) {
      total += p.rssKiB;
      text += p.alive
        ? `  ${p.name.padEnd(24)} running  pid ${String(p.pid).padEnd(8)} ${String(mib(p.rssKiB)).padStart(5)} MiB\n`
        : `  ${p.name.padEnd(24)} stopped\n`;
    }
    text += `  ${'total'.padEnd(24)} ${String(mib(total)).padStart(5)} MiB RSS\n`;
  }
  return text;
}

/** What `env.sh up` prints at the end. */
export function summaryText(env: LocalEnvironment, l: Layout): string {
  const rss = (name: string) => mib(clusterProcesses(l, name).reduce((sum, p) => sum + p.rssKiB, 0));
  return [
    '',
    `ksit local environment (${env.ksitHome})`,
    `  Temporal     ${env.temporalAddress}   UI ${env.temporalUiUrl}`,
    `  Chart repo   ${env.chartRepoUrl}   (flux manifest: /manifests/flux-install.yaml)`,
    ...env.clusters.map(
      (c) => `  Cluster      ${c.name.padEnd(14)} KUBECONFIG=${c.kubeconfig}   ${rss(c.name)} MiB RSS`,
    ),
    `  env.json     ${paths.envJson(l)}`,
    '',
  ].join('\n');
}

/** `NAME=Type` for each search attribute, as `temporal operator search-attribute create` spells the types. */
export function searchAttributeFlags(): string[] {
  const spelling: Record<string, string> = {
    KEYWORD: 'Keyword',
    KEYWORD_LIST: 'KeywordList',
    TEXT: 'Text',
    INT: 'Int',
    DOUBLE: 'Double',
    BOOL: 'Bool',
    DATETIME: 'Datetime',
  };
  return KSIT_SEARCH_ATTRIBUTES.map((key) => `${key.name}=${spelling[key.type]}`);
}

/** env.sh's entry: `node deploy/local/environment.ts env-json NAME... | status | search-attributes`. */
async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  const l = localLayout();
  if (command === 'env-json') {
    const env = describeEnvironment(l, rest);
    writeEnvJson(l, env);
    process.stdout.write(summaryText(env, l));
    return 0;
  }
  if (command === 'status') {
    process.stdout.write(await statusText(l));
    return 0;
  }
  if (command === 'search-attributes') {
    process.stdout.write(`${searchAttributeFlags().join('\n')}\n`);
    return 0;
  }
  process.stderr.write('usage: node deploy/local/environment.ts env-json [CLUSTER...] | status | search-attributes\n');
  return 2;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(`[env] error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
