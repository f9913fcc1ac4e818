// The control cluster of the front-door tests: the local environment's cluster-2 plays it (as in
// secret-credentials.test.ts), so the suite needs no third cluster. kubectl and the CRDs, applied as a user would.
import { join } from 'node:path';
import { execa, type Result } from 'execa';
import { getCluster, loadEnvironment, repoRoot, toolEnv, waitFor, type LocalCluster } from '../env/environment.js';

export const CONTROL = 'cluster-2';

export function controlCluster(): LocalCluster {
  return getCluster(CONTROL, loadEnvironment());
}

/** kubectl against the control cluster as its administrator (or `--as` someone); never throws. */
export function kubectl(args: string[], input?: string): Promise<Result> {
  const env = loadEnvironment();
  const cluster = controlCluster();
  return execa(
    join(env.binDir, 'kubectl'),
    ['--kubeconfig', cluster.kubeconfig, '--context', cluster.context, ...args],
    {
      env: toolEnv(env),
      reject: false,
      timeout: 60_000,
      ...(input !== undefined ? { input } : {}),
    },
  );
}

/** kubectl that must succeed; its stdout. */
export async function kubectlOk(args: string[], input?: string): Promise<string> {
  const r = await kubectl(args, input);
  if (r.exitCode !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${String(r.stderr)}`);
  return String(r.stdout);
}

/** The generated CRDs, user roles and admission policy, server-side applied, and the CRDs Established. */
export async function installCrds(): Promise<void> {
  await kubectlOk(['apply', '--server-side', '--force-conflicts', '-f', join(repoRoot, 'deploy/crds')]);
  await kubectlOk([
    'wait',
    '--for=condition=Established',
    '--timeout=60s',
    'crd/integrations.ksit.io',
    'crd/integrationtargets.ksit.io',
  ]);
}

export async function ensureNamespace(name: string): Promise<void> {
  await kubectl(['create', 'namespace', name]);
}

/** Waits until the admission policy refuses a cross-namespace Secret (a new policy takes a moment to load). */
export async function waitForPolicy(namespace: string): Promise<void> {
  const probe = `apiVersion: ksit.io/v1alpha1
kind: IntegrationTarget
metadata: {name: policy-probe, namespace: ${namespace}}
spec: {clusterName: probe, kubeconfigSecretNamespace: kube-system}
`;
  await waitFor(
    'the ksit-same-namespace admission policy to be in force',
    async () => ((await kubectl(['apply', '--dry-run=server', '-f', '-'], probe)).exitCode !== 0 ? true : undefined),
    { timeoutMs: 60_000, intervalMs: 1_000 },
  );
}

/**
 * Removes the finalizers of every `resource` object in the namespace, so that it can be deleted without its
 * controller (clean-up after a test). `kubectl patch` has no --all: each object is patched by name.
 */
export async function dropFinalizers(resource: string, namespace: string): Promise<void> {
  const names = await kubectl(['get', resource, '-n', namespace, '-o', 'name']);
  for (const name of String(names.stdout).split('\n').filter(Boolean))
    await kubectl(['patch', name, '-n', namespace, '--type', 'merge', '-p', '{"metadata":{"finalizers":null}}']);
}
