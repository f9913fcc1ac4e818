// Deploy tests run the pinned tools the way the rest of the suite finds them: KSIT_BIN_DIR (set by
// deploy/local/test.sh), else the tools cache, else PATH.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { PROJECT_ROOT } from '../spec/fixture-paths.js';

export const CHART = join(PROJECT_ROOT, 'deploy', 'helm', 'ksit');
export const TARGET_RBAC_CHART = join(PROJECT_ROOT, 'deploy', 'helm', 'ksit-target-rbac');
/** `helm template` has no cluster to ask; the chart needs >= 1.26. */
export const KUBE_VERSION = '1.36.3';

export function tool(name: string): string {
  for (const dir of [process.env.KSIT_BIN_DIR, join(homedir(), '.cache', 'ksit', 'bin')]) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return name;
}

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], input?: string): Run {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // The tests walk rendered manifests generically.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec?: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [key: string]: any;
}

/** Runs helm with `values` in a values file (JSON is YAML); returns the result, not throwing on failure. */
export function helm(args: string[], values?: object): Run {
  const dir = mkdtempSync(join(tmpdir(), 'ksit-helm-test-'));
  try {
    const files: string[] = [];
    if (values) {
      writeFileSync(join(dir, 'values.json'), JSON.stringify(values));
      files.push('--values', join(dir, 'values.json'));
    }
    // Helm's own state stays in the throwaway directory, never the user's.
    const env = ['cache', 'config', 'data'].map((d) => `HELM_${d.toUpperCase()}_HOME=${join(dir, d)}`);
    return run('env', [...env, tool('helm'), ...args, ...files]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `helm template` of a chart; fails the test with Helm's message when rendering fails. */
export function render(chart: string, values: object = {}, namespace = 'ksit-system', release = 'ksit'): K8sObject[] {
  const r = helm(['template', release, chart, '--namespace', namespace, '--kube-version', KUBE_VERSION], values);
  if (r.status !== 0) throw new Error(`helm template failed: ${r.stderr}`);
  return parseManifests(r.stdout);
}

export function parseManifests(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => !!o && typeof o === 'object' && !!o.kind);
}

export function find(objects: K8sObject[], kind: string, name?: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (!found) throw new Error(`no ${kind}${name ? ` ${name}` : ''} in: ${objects.map((o) => o.kind).join(', ')}`);
  return found;
}
