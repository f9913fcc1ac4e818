// Objects for monitors to check: per cluster, namespaces bench-0..bench-(n-1), each with one Deployment "app"
// whose single pod KWOK makes Running and Ready. Applied with the pinned kubectl (server-side apply, idempotent).
import { join } from 'node:path';
import { AppsV1Api, KubeConfig } from '@kubernetes/client-node';
import { execa } from 'execa';
import type { LocalEnvironment } from './local-env.js';
import { toolEnv } from './local-env.js';
import { log, sleep } from './report.js';

export const BENCH_LABEL = 'ksit-bench';
export const benchNamespace = (i: number) => `bench-${i}`;

function manifest(from: number, to: number): string {
  const docs: string[] = [];
  for (let i = from; i < to; i++) {
    const ns = benchNamespace(i);
    docs.push(`apiVersion: v1
kind: Namespace
metadata: {name: ${ns}, labels: {${BENCH_LABEL}: monitor}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: app, namespace: ${ns}, labels: {${BENCH_LABEL}: monitor}}
spec:
  replicas: 1
  selector: {matchLabels: {app: bench-app}}
  template:
    metadata: {labels: {app: bench-app}}
    spec:
      containers: [{name: app, image: registry.k8s.io/pause:3.9}]`);
  }
  return docs.join('\n---\n');
}

/** Makes sure every cluster has `perCluster` ready bench Deployments; returns how long that took. */
export async function ensureWorkloads(env: LocalEnvironment, clusters: string[], perCluster: number): Promise<void> {
  await Promise.all(
    clusters.map(async (name) => {
      const c = env.clusters.find((x) => x.name === name)!;
      await execa(
        join(env.binDir, 'kubectl'),
        ['--kubeconfig', c.kubeconfig, 'apply', '--server-side', '--field-manager=ksit-bench', '-f', '-'],
        { input: manifest(0, perCluster), env: toolEnv(env), stdout: 'ignore' },
      );
    }),
  );
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    const ready = await Promise.all(clusters.map((name) => readyCount(env, name)));
    const low = ready.filter((n) => n < perCluster).length;
    if (low === 0) return;
    if (Date.now() > deadline) throw new Error(`bench Deployments not ready: ${ready.join(', ')} of ${perCluster}`);
    log(`waiting for bench Deployments: ${ready.join(', ')} of ${perCluster} ready per cluster`);
    await sleep(3_000);
  }
}

async function readyCount(env: LocalEnvironment, name: string): Promise<number> {
  const c = env.clusters.find((x) => x.name === name)!;
  const kc = new KubeConfig();
  kc.loadFromFile(c.kubeconfig);
  kc.setCurrentContext(c.context);
  const list = await kc
    .makeApiClient(AppsV1Api)
    .listDeploymentForAllNamespaces({ labelSelector: `${BENCH_LABEL}=monitor` });
  return list.items.filter((d) => (d.status?.readyReplicas ?? 0) >= 1).length;
}
