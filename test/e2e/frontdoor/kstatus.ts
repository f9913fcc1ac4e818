// What kstatus (sigs.k8s.io/cli-utils, Flux's health checks) says about an object: deploy/local/kstatus, built and
// cached by deploy/local/tools.sh (found at once when `npm test` has built it already).
import { join } from 'node:path';
import { execa } from 'execa';
import { repoRoot } from '../env/environment.js';
import { kubectlOk } from './control-cluster.js';

let binary: Promise<string> | undefined;

function kstatusBinary(): Promise<string> {
  binary ??= execa(join(repoRoot, 'deploy/local/tools.sh'), ['kstatus'], { timeout: 900_000 }).then((r) =>
    join(r.stdout.trim(), 'ksit-kstatus'),
  );
  return binary;
}

export async function kstatusOf(resource: string, namespace: string): Promise<{ status: string; message: string }> {
  const json = await kubectlOk(['get', resource, '-n', namespace, '-o', 'json']);
  const r = await execa(await kstatusBinary(), [], { input: json, timeout: 10_000 });
  return JSON.parse(r.stdout.split('\n')[0]!) as { status: string; message: string };
}
