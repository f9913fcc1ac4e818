// End-to-end check of the local environment itself, with nothing mocked: the argo-cd test chart is installed from
// the loopback chart repository into two KWOK clusters (real etcd + kube-apiserver + controllers), its Deployment
// turns ready because KWOK plays the kubelet, KWOK stages inject faults that show in pod status, and stopping a
// cluster's kube-apiserver makes requests to it fail until it is started again.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { ApiextensionsV1Api, type V1Deployment, type V1Pod } from '@kubernetes/client-node';
import { execa } from 'execa';

import {
  injectFault,
  kubeClient,
  loadEnvironment,
  startApiServer,
  stopApiServer,
  toolEnv,
  waitFor,
  type KubeClient,
  type LocalCluster,
} from './env/environment.js';

const env = loadEnvironment();
// cluster-1 and cluster-2 when present (the demo adds ksit-control next to them), else the first two.
const preferred = env.clusters.filter((c) => c.name === 'cluster-1' || c.name === 'cluster-2');
const [clusterA, clusterB] = (preferred.length === 2 ? preferred : env.clusters.slice(0, 2)) as [
  LocalCluster,
  LocalCluster,
];
// One namespace per run: the previous run's may still be terminating.
const namespace = `e2e-local-env-${Date.now().toString(36)}`;
const release = 'argocd';
const chartVersion = '5.51.6';
const repoServer = 'argocd-repo-server';

const clients = new Map<string, KubeClient>();
const client = (c: LocalCluster): KubeClient => {
  if (!clients.has(c.name)) clients.set(c.name, kubeClient(c));
  return clients.get(c.name)!;
};

const readDeployment = (c: LocalCluster, name: string): Promise<V1Deployment> =>
  client(c).apps.readNamespacedDeployment({ name, namespace });

const podsOf = async (c: LocalCluster, name: string): Promise<V1Pod[]> =>
  (await client(c).core.listNamespacedPod({ namespace, labelSelector: `app.kubernetes.io/name=${name}` })).items;

/** Ready when the rollout is complete: every replica updated, ready and available, no old pods left. */
async function deploymentReady(c: LocalCluster, name: string): Promise<V1Deployment | undefined> {
  const d = await readDeployment(c, name);
  const want = d.spec?.replicas ?? 1;
  const s = d.status ?? {};
  const done =
    (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1) &&
    s.replicas === want &&
    s.updatedReplicas === want &&
    s.readyReplicas === want &&
    s.availableReplicas === want;
  return done ? d : undefined;
}

const waiting = (p: V1Pod) => (p.status?.containerStatuses ?? []).map((cs) => cs.state?.waiting).filter((w) => !!w);

/** `helm upgrade --install` of the argo-cd test chart straight from the loopback repository (no `helm repo add`). */
function helmInstall(c: LocalCluster): Promise<unknown> {
  return execa(
    'helm',
    [
      'upgrade',
      '--install',
      release,
      'argo-cd',
      '--repo',
      env.chartRepoUrl,
      '--version',
      chartVersion,
      '--namespace',
      namespace,
      '--create-namespace',
      '--kube-context',
      c.context,
      '--timeout',
      '2m',
    ],
    { env: { ...toolEnv(env), KUBECONFIG: c.kubeconfig } },
  );
}

describe(`local environment (${clusterA.name}, ${clusterB.name})`, () => {
  beforeAll(() => {
    expect(clusterA).toBeDefined();
    expect(clusterB).toBeDefined();
  });

  afterAll(async () => {
    // Leave the environment as it was found: both API servers up, no test release.
    await startApiServer(clusterB.name).catch(() => undefined);
    for (const c of [clusterA, clusterB]) {
      await execa(
        'helm',
        ['uninstall', release, '--namespace', namespace, '--kube-context', c.context, '--wait=false'],
        {
          env: { ...toolEnv(env), KUBECONFIG: c.kubeconfig },
          reject: false,
        },
      );
      await client(c)
        .core.deleteNamespace({ name: namespace })
        .catch(() => undefined);
    }
  }, 180_000);

  test('argo-cd installs from the loopback chart repo into two clusters and becomes ready', async () => {
    await Promise.all([clusterA, clusterB].map((c) => helmInstall(c)));

    for (const c of [clusterA, clusterB]) {
      const d = await waitFor(`${repoServer} ready in ${c.name}`, () => deploymentReady(c, repoServer), {
        timeoutMs: 120_000,
      });
      expect(d.metadata?.labels?.['helm.sh/chart']).toBe(`argo-cd-${chartVersion}`);
      // The chart's CRD went in first (Helm's crds/ directory) and is served.
      const crd = await client(c)
        .kc.makeApiClient(ApiextensionsV1Api)
        .readCustomResourceDefinition({ name: 'applications.argoproj.io' });
      expect(crd.status?.conditions?.find((x) => x.type === 'Established')?.status).toBe('True');
      // KWOK marked the pod Running and Ready on a fake node.
      const [pod] = await podsOf(c, repoServer);
      expect(pod?.status?.phase).toBe('Running');
      expect(pod?.spec?.nodeName).toMatch(/^kwok-node-/);
    }
  }, 240_000);

  test('a crashloop fault drops the ready count with reason CrashLoopBackOff; clearing it restores readiness', async () => {
    await injectFault(clusterA.name, namespace, `deployment/${repoServer}`, 'crashloop');

    const crashing = await waitFor(
      `${repoServer} in ${clusterA.name} to crash-loop`,
      async () => {
        const d = await readDeployment(clusterA, repoServer);
        if ((d.status?.readyReplicas ?? 0) !== 0) return undefined;
        const pods = await podsOf(clusterA, repoServer);
        return pods.find((p) => waiting(p).some((w) => w.reason === 'CrashLoopBackOff'));
      },
      { timeoutMs: 90_000 },
    );
    const status = crashing.status?.containerStatuses?.[0];
    expect(status?.ready).toBe(false);
    expect(status?.restartCount).toBeGreaterThan(0);
    expect(status?.lastState?.terminated?.exitCode).toBe(1);
    expect(crashing.status?.conditions?.find((x) => x.type === 'Ready')?.status).toBe('False');
    // The other cluster is untouched.
    expect((await readDeployment(clusterB, repoServer)).status?.readyReplicas).toBe(1);

    await injectFault(clusterA.name, namespace, `deployment/${repoServer}`, 'clear');
    await waitFor(`${repoServer} in ${clusterA.name} to recover`, () => deploymentReady(clusterA, repoServer), {
      timeoutMs: 120_000,
    });
    const pods = await podsOf(clusterA, repoServer);
    expect(pods.flatMap(waiting)).toEqual([]);
    expect(pods.every((p) => p.metadata?.labels?.['ksit.io/fault'] === undefined)).toBe(true);
  }, 300_000);

  test('imagepull and notready faults show up in pod status', async () => {
    await injectFault(clusterB.name, namespace, 'deployment/argocd-server', 'imagepull');
    await injectFault(clusterB.name, namespace, 'statefulset/argocd-application-controller', 'notready');

    const pulling = await waitFor(
      `argocd-server in ${clusterB.name} to fail pulling its image`,
      async () =>
        (await podsOf(clusterB, 'argocd-server')).find((p) => waiting(p).some((w) => w.reason === 'ImagePullBackOff')),
      { timeoutMs: 90_000 },
    );
    const image = pulling.spec?.containers[0]?.image ?? '';
    expect(waiting(pulling)[0]?.message).toContain(image);

    const unready = await waitFor(
      `argocd-application-controller-0 in ${clusterB.name} to run unready`,
      async () => {
        const [p] = await podsOf(clusterB, 'argocd-application-controller');
        const cs = p?.status?.containerStatuses?.[0];
        return p?.status?.phase === 'Running' && cs?.state?.running && cs.ready === false ? p : undefined;
      },
      { timeoutMs: 90_000 },
    );
    expect(unready.status?.conditions?.find((x) => x.type === 'Ready')?.status).toBe('False');

    await injectFault(clusterB.name, namespace, 'deployment/argocd-server', 'clear');
    await injectFault(clusterB.name, namespace, 'statefulset/argocd-application-controller', 'clear');
    await waitFor('argocd-server to recover', () => deploymentReady(clusterB, 'argocd-server'), { timeoutMs: 120_000 });
    await waitFor(
      'argocd-application-controller to recover',
      async () => {
        const s = (
          await client(clusterB).apps.readNamespacedStatefulSet({ name: 'argocd-application-controller', namespace })
        ).status;
        return s?.readyReplicas === 1 && s.currentRevision === s.updateRevision ? s : undefined;
      },
      { timeoutMs: 120_000 },
    );
  }, 300_000);

  test('a stopped kube-apiserver makes requests fail until it is started again', async () => {
    await stopApiServer(clusterB.name);
    await expect(readDeployment(clusterB, repoServer)).rejects.toThrow();
    // Only that cluster is down.
    expect((await readDeployment(clusterA, repoServer)).status?.readyReplicas).toBe(1);

    await startApiServer(clusterB.name);
    const d = await waitFor(`${clusterB.name} to answer again`, () => readDeployment(clusterB, repoServer), {
      timeoutMs: 60_000,
    });
    // etcd kept the state: the release's objects are all still there and ready.
    expect(d.status?.readyReplicas).toBe(1);
  }, 240_000);
});
