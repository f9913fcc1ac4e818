// Real Flux for the GitOps e2e test: source-controller and kustomize-controller (built from their Go modules by
// `deploy/local/tools.sh flux`) as local processes against the control cluster, and ksit-git-server
// (deploy/local/git-server) serving the test's bare repositories over HTTP on loopback. Logs go to files.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, realpathSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import { repoRoot, toolEnv } from '../env/environment.js';

export interface FluxTools {
  sourceController: string;
  kustomizeController: string;
  gitServer: string;
  /** The controllers' CRDs (config/crd/bases of each module), for `kubectl apply -f`. */
  crdDirs: string[];
}

/** Finds or builds the binaries; a fresh machine builds them once (many minutes on 2 cores), then they are cached. */
export async function fluxTools(): Promise<FluxTools> {
  const r = await execa(join(repoRoot, 'deploy/local/tools.sh'), ['flux'], { timeout: 3_600_000 });
  const bin = r.stdout.trim();
  return {
    sourceController: join(bin, 'source-controller'),
    kustomizeController: join(bin, 'kustomize-controller'),
    gitServer: join(bin, 'ksit-git-server'),
    // Resolved: kubectl reads a symbolic link to a directory as a file.
    crdDirs: ['source-controller-crds', 'kustomize-controller-crds'].map((d) => realpathSync(join(bin, d))),
  };
}

export interface RunningProcess {
  name: string;
  log(): string;
  /** Set once the process has exited: its exit code or signal and the end of its log. */
  exited(): string | undefined;
  stop(): Promise<void>;
}

/** A free TCP port on loopback (source-controller must advertise its artifact server's address up front). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function start(name: string, logDir: string, command: string, args: string[], env: NodeJS.ProcessEnv) {
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `${name}.log`);
  const out = openSync(logFile, 'w');
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', out, out], env });
  closeSync(out);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running: RunningProcess = {
    name,
    log: () => readFileSync(logFile, 'utf8'),
    exited: () =>
      child.exitCode === null && child.signalCode === null
        ? undefined
        : `${name} exited (${child.exitCode ?? child.signalCode}): ${readFileSync(logFile, 'utf8').slice(-1500)}`,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
  return { running, child };
}

export interface FluxOptions {
  tools: FluxTools;
  kubeconfig: string;
  /** The one namespace the controllers watch (their RUNTIME_NAMESPACE). */
  namespace: string;
  /** Logs and source-controller's artifact storage go below this directory. */
  home: string;
}

/** source-controller then kustomize-controller; leader election is off by default, metrics and probes are off. */
export async function startFluxControllers(o: FluxOptions): Promise<RunningProcess[]> {
  const env = {
    ...toolEnv(),
    KUBECONFIG: o.kubeconfig,
    RUNTIME_NAMESPACE: o.namespace,
  };
  const common = ['--metrics-addr=0', '--health-addr=0', '--watch-all-namespaces=false', '--log-level=debug'];
  const storage = `127.0.0.1:${await freePort()}`;
  const artifacts = join(o.home, 'flux-artifacts');
  mkdirSync(artifacts, { recursive: true });
  const source = start(
    'source-controller',
    join(o.home, 'logs'),
    o.tools.sourceController,
    [
      ...common,
      `--storage-path=${artifacts}`,
      `--storage-addr=${storage}`,
      // kustomize-controller downloads artifacts from the URL built from this address.
      `--storage-adv-addr=${storage}`,
    ],
    env,
  );
  const kustomize = start('kustomize-controller', join(o.home, 'logs'), o.tools.kustomizeController, common, env);
  return [source.running, kustomize.running];
}

/** ksit-git-server on a free loopback port; resolves with its base URL once it listens. */
export async function startGitServer(o: { tools: FluxTools; root: string; home: string }) {
  mkdirSync(o.root, { recursive: true });
  const { running, child } = start('ksit-git-server', join(o.home, 'logs'), o.tools.gitServer, ['-root', o.root], {
    ...process.env,
  });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const url = /listening on (http:\/\/\S+)/.exec(running.log())?.[1];
    if (url) return { ...running, url };
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`ksit-git-server did not start listening: ${running.log() || 'no output'}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
