// No Docker engine runs here, so the image is checked by reading: the Dockerfile's stages against the repository
// (pinned versions, build context allowed by .dockerignore, what the runtime stage copies vs what the entry points
// import, production dependencies only) and the prune script on a throwaway node_modules.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { arch, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { IMAGE_NODE_OPTIONS, JEMALLOC_LIBRARY } from '../../../bench/lib/image-settings.js';
import { PROJECT_ROOT } from '../spec/fixture-paths.js';
import { run } from './tools.js';

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  from: string;
  name?: string;
  instructions: Instruction[];
}

/** Stages of a Dockerfile: continuation lines joined, comments dropped. */
function parseDockerfile(text: string): { args: Record<string, string>; stages: Stage[] } {
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, op = '', rest = ''] = line.match(/^(\w+)\s+(.*)$/) ?? [];
    const upper = op.toUpperCase();
    if (upper === 'FROM') {
      const m = rest.match(/^(\S+)(?:\s+AS\s+(\S+))?/i);
      stages.push({ from: m?.[1] ?? '', name: m?.[2], instructions: [] });
    } else if (stages.length === 0 && upper === 'ARG') {
      const [k, v = ''] = rest.split('=');
      if (k) args[k] = v;
    } else {
      stages.at(-1)?.instructions.push({ op: upper, args: rest });
    }
  }
  return { args, stages };
}

const dockerfile = parseDockerfile(readFileSync(join(PROJECT_ROOT, 'Dockerfile'), 'utf8'));
const stage = (name?: string) => {
  const s = name ? dockerfile.stages.find((x) => x.name === name) : dockerfile.stages.at(-1);
  if (!s) throw new Error(`no stage ${name}`);
  return s;
};
const versions = Object.fromEntries(
  readFileSync(join(PROJECT_ROOT, 'deploy/local/versions.env'), 'utf8')
    .split('\n')
    .filter((l) => /^\w+=/.test(l))
    .map((l) => l.split('=') as [string, string]),
);
const runtimeEnv = (): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const i of stage().instructions.filter((x) => x.op === 'ENV')) {
    for (const m of i.args.matchAll(/(\w+)=("[^"]*"|\S+)/g)) out[m[1] ?? ''] = (m[2] ?? '').replace(/^"|"$/g, '');
  }
  return out;
};
/** COPY instructions as [sources..., destination], flags removed. */
const copies = (s: Stage) =>
  s.instructions
    .filter((i) => i.op === 'COPY')
    .map((i) => ({ from: i.args.match(/--from=(\S+)/)?.[1], paths: i.args.replace(/--\S+/g, '').trim().split(/\s+/) }));

describe('Dockerfile', () => {
  it('pins Node to deploy/local/versions.env and builds Helm at the version that file names', () => {
    expect(dockerfile.args.NODE_VERSION).toBe(versions.NODE_VERSION);
    const helmRun = stage('helm').instructions.find((i) => i.op === 'RUN')?.args ?? '';
    expect(helmRun).toContain('. /versions.env');
    expect(helmRun).toContain('helm.sh/helm/v3/cmd/helm@${HELM_VERSION}');
    expect(helmRun).toContain('helm version --short | grep -q "^${HELM_VERSION}"');
    // Modules are verified against the Go checksum database, with no escape hatch.
    const env = stage('helm').instructions.find((i) => i.op === 'ENV')?.args ?? '';
    expect(env).toContain('GOSUMDB=sum.golang.org');
    expect(env).not.toMatch(/GONOSUMDB|GOINSECURE|GOFLAGS=[^ ]*-insecure|GOSUMDB=off/);
    expect(copies(stage('helm'))).toContainEqual({
      from: undefined,
      paths: ['deploy/local/versions.env', '/versions.env'],
    });
  });

  it('the runtime stage is non-root, shell-free and writes only under /tmp', () => {
    const runtime = stage();
    expect(runtime.from).toBe('${RUNTIME_IMAGE}');
    expect(dockerfile.args.RUNTIME_IMAGE).toMatch(/^gcr\.io\/distroless\/nodejs\d+-debian\d+:nonroot$/);
    expect(runtime.instructions.filter((i) => i.op === 'USER').map((i) => i.args)).toEqual(['65532:65532']);
    expect(runtime.instructions.some((i) => i.op === 'RUN')).toBe(false);
    const cmd = runtime.instructions.find((i) => i.op === 'CMD')?.args ?? '';
    expect(JSON.parse(cmd)).toEqual(['dist/workers/main.js']);
    const env = runtimeEnv();
    for (const key of ['HOME', 'KSIT_HELM_HOME', 'HELM_CACHE_HOME', 'HELM_CONFIG_HOME', 'HELM_DATA_HOME']) {
      expect({ key, under: env[key]?.startsWith('/tmp') }).toEqual({ key, under: true });
    }
    // The Helm binary the worker runs is the one copied in.
    expect(copies(runtime)).toContainEqual({ from: 'helm', paths: ['/out/helm', env.KSIT_HELM_BINARY] });
    // The workflow bundle the worker loads is the one the build stage writes.
    const bundleRun = stage('build').instructions.find((i) => i.args.includes('bundle-workflows.js'))?.args ?? '';
    const built = bundleRun.match(/bundle-workflows\.js\s+(\S+)/)?.[1] ?? '';
    const copied = copies(runtime).find((c) => c.from === 'build' && c.paths[0] === built);
    expect(copied).toBeDefined();
    expect(resolve('/app', copied?.paths[1] ?? '')).toBe(env.KSIT_WORKFLOW_BUNDLE);
    expect(runtime.instructions.find((i) => i.op === 'WORKDIR')?.args).toBe('/app');
  });

  it('preloads the jemalloc it copies from Debian, with the heap settings the benchmarks run the worker with', () => {
    const env = runtimeEnv();
    expect(env.NODE_OPTIONS).toBe(IMAGE_NODE_OPTIONS);
    expect(env.LD_PRELOAD?.endsWith(`/${JEMALLOC_LIBRARY}`)).toBe(true);
    expect(copies(stage())).toContainEqual({ from: 'jemalloc', paths: [`/out/${JEMALLOC_LIBRARY}`, env.LD_PRELOAD] });
    const run = stage('jemalloc').instructions.find((i) => i.op === 'RUN')?.args ?? '';
    expect(run).toContain('apt-get install -y --no-install-recommends libjemalloc2');
    expect(run).toContain(`/out/${JEMALLOC_LIBRARY}`);
  });

  it('copies from the build context only what .dockerignore lets in', () => {
    const ignore = readFileSync(join(PROJECT_ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    expect(ignore[0]).toBe('*');
    const allowed = ignore.filter((l) => l.startsWith('!')).map((l) => l.slice(1).replace(/\/$/, ''));
    const sources = dockerfile.stages.flatMap((s) =>
      copies(s)
        .filter((c) => !c.from)
        .flatMap((c) => c.paths.slice(0, -1)),
    );
    expect(sources.length).toBeGreaterThan(5);
    for (const src of sources) {
      const ok = allowed.some((a) => src === a || src.startsWith(`${a}/`));
      expect({ src, allowed: ok }).toEqual({ src, allowed: true });
      expect({ src, exists: existsSync(join(PROJECT_ROOT, src)) }).toEqual({ src, exists: true });
    }
    // Nothing that carries state or secrets is let in.
    for (const a of allowed) expect(a).not.toMatch(/^(\.ksit|node_modules|dist|\.git|test)\b/);
  });

  it('the runtime stage holds every module the entry points import, and they import only production dependencies', () => {
    const runtimeDirs = copies(stage())
      .filter((c) => c.from === 'build')
      .map((c) => relative('/src', c.paths[0] ?? ''));
    const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const entries = [
      'dist/workers/main.js',
      'dist/workers/register-search-attributes.js',
      'dist/workers/bundle-workflows.js',
      'dist/client/cli.js',
      'dist/workers/codec-server.js',
    ].filter((e) => existsSync(join(PROJECT_ROOT, e)));
    expect(entries).toContain('dist/workers/main.js');
    const seen = new Set<string>();
    const packages = new Set<string>();
    const queue = entries.map((e) => join(PROJECT_ROOT, e));
    while (queue.length > 0) {
      const file = queue.pop() ?? '';
      if (seen.has(file)) continue;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)) {
        const spec = m[1] ?? '';
        if (spec.startsWith('.')) queue.push(resolve(dirname(file), spec));
        else if (!spec.startsWith('node:') && !builtinModules.includes(spec)) {
          packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? ''));
        }
      }
    }
    expect(seen.size).toBeGreaterThan(30);
    expect([...packages]).toEqual(expect.arrayContaining(['@temporalio/worker', '@kubernetes/client-node', 'execa']));
    for (const file of seen) {
      const rel = relative(PROJECT_ROOT, file);
      const copied = runtimeDirs.some((d) => rel === d || rel.startsWith(`${d}/`));
      expect({ rel, copied }).toEqual({ rel, copied: true });
    }
    for (const p of packages) expect({ p, production: p in pkg.dependencies }).toEqual({ p, production: true });
  });
});

describe('deploy/docker/prune-node-modules.sh', () => {
  it("keeps this platform's Temporal core only and drops sources, maps and type declarations", () => {
    const dir = mkdtempSync(join(tmpdir(), 'ksit-prune-'));
    try {
      const nm = join(dir, 'node_modules');
      const bridge = join(nm, '@temporalio/core-bridge');
      const keep = `${arch() === 'arm64' ? 'aarch64' : 'x86_64'}-unknown-linux-gnu`;
      const files = [
        ...[
          'x86_64-unknown-linux-gnu',
          'aarch64-unknown-linux-gnu',
          'x86_64-apple-darwin',
          'x86_64-pc-windows-msvc',
        ].map((t) => `@temporalio/core-bridge/releases/${t}/index.node`),
        '@temporalio/core-bridge/index.js',
        '@temporalio/core-bridge/sdk-core/Cargo.toml',
        '@temporalio/core-bridge/src/lib.rs',
        'zod/index.js',
        'zod/index.d.ts',
        'zod/index.js.map',
        'zod/src/index.ts',
        'ts-thing/lib/main.cjs',
      ];
      for (const f of files) {
        mkdirSync(dirname(join(nm, f)), { recursive: true });
        writeFileSync(join(nm, f), 'x');
      }
      const r = run('sh', [join(PROJECT_ROOT, 'deploy/docker/prune-node-modules.sh'), nm]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const left = files.filter((f) => existsSync(join(nm, f)));
      expect(left.sort()).toEqual(
        [
          `@temporalio/core-bridge/releases/${keep}/index.node`,
          '@temporalio/core-bridge/index.js',
          'zod/index.js',
          'ts-thing/lib/main.cjs',
        ].sort(),
      );
      expect(existsSync(join(bridge, 'sdk-core'))).toBe(false);
      // Without this platform's core it refuses rather than ship an image that cannot start.
      rmSync(join(bridge, 'releases', keep), { recursive: true });
      const again = run('sh', [join(PROJECT_ROOT, 'deploy/docker/prune-node-modules.sh'), nm]);
      expect(again.status).not.toBe(0);
      expect(again.stderr).toContain(`releases/${keep}/index.node missing`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
