// The lifecycle against real clusters where the seeds' operator went wrong: a tool installed by hand is monitored,
// not installed twice; a manifest's source change and a hand-deleted object are applied again without `reinstall`;
// a CRD that never becomes Established shows Failed with that reason, never Unreachable.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { ApiextensionsV1Api, type V1Deployment, type V1StatefulSet } from '@kubernetes/client-node';
import { kubeClient, waitFor } from './env/environment.js';
import { type KsitHarness, startKsit, testChart } from './helpers/ksit-worker.js';

let ksit: KsitHarness;
beforeAll(async () => {
  ksit = await startKsit();
}, 120_000);
afterAll(() => ksit?.stop());

const workload = (name: string, namespace: string) => ({
  metadata: { name, namespace },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { containers: [{ name: 'main', image: 'example/hand-installed:1' }] },
    },
  },
});

test('a tool installed by other means is monitored and reported as such, without a second install', async () => {
  const target = await ksit.target('cluster-1');
  const spec = ksit.spec('argocd', [target], { install: testChart(ksit.env, 'argo-cd', '5.51.6', 'argocd') });
  const { core, apps } = kubeClient('cluster-1');
  const namespace = spec.toolNamespace;
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  // By hand, no Helm: the three workloads Argo CD needs, and the Services of the server and the repo server.
  await apps.createNamespacedDeployment({ namespace, body: workload('argocd-server', namespace) as V1Deployment });
  await apps.createNamespacedDeployment({ namespace, body: workload('argocd-repo-server', namespace) as V1Deployment });
  for (const name of ['argocd-server', 'argocd-repo-server'])
    await core.createNamespacedService({
      namespace,
      body: { metadata: { name, namespace }, spec: { selector: { app: name }, ports: [{ port: 80 }] } },
    });
  const controller = workload('argocd-application-controller', namespace);
  await apps.createNamespacedStatefulSet({
    namespace,
    body: {
      ...controller,
      spec: { ...controller.spec, serviceName: 'argocd-application-controller' },
    } as V1StatefulSet,
  });
  const { until } = await ksit.integration(spec);
  const running = await until('Running', (s) => s.phase === 'Running', 120_000);
  expect(running.clusters[0]?.message).toMatch(/installed by other means \(no Helm release argocd\), monitoring only$/);
  // Some checks later: still no release of ksit's in the namespace.
  await new Promise((r) => setTimeout(r, 10_000));
  const releases = await core.listNamespacedSecret({ namespace, labelSelector: 'owner=helm' });
  expect(releases.items).toHaveLength(0);
  const s = await until('still Running', (x) => x.phase === 'Running', 10_000);
  expect(s.clusters[0]?.transitions.map((t) => t.phase)).not.toContain('Installing');
}, 300_000);

test('a manifest source change and a hand-deleted object are applied again without reinstall', async () => {
  const target = await ksit.target('cluster-2');
  const namespace = `manifest-${ksit.run}`;
  const source = join(ksit.env.ksitHome, `manifest-${ksit.run}.yaml`);
  const manifest = (greeting: string) => `apiVersion: v1
kind: ConfigMap
metadata: {name: demo-settings, namespace: ${namespace}}
data: {greeting: ${greeting}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: demo-app, namespace: ${namespace}}
spec:
  replicas: 1
  selector: {matchLabels: {app: demo-app}}
  template:
    metadata: {labels: {app: demo-app}}
    spec:
      containers: [{name: main, image: example/demo:1}]
`;
  await writeFile(source, manifest('hello'));
  const { core } = kubeClient('cluster-2');
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  const spec = ksit.spec('custom', [target], {
    toolNamespace: namespace,
    install: { method: 'manifest', source },
    components: [{ kind: 'Deployment', name: 'demo-app' }],
  });
  const { until } = await ksit.integration(spec);
  await until('Running', (s) => s.phase === 'Running', 120_000);
  const greeting = async () =>
    (await core.readNamespacedConfigMap({ name: 'demo-settings', namespace }).catch(() => undefined))?.data?.greeting;
  expect(await greeting()).toBe('hello');

  await writeFile(source, manifest('bonjour'));
  await waitFor('the new source applied', async () => ((await greeting()) === 'bonjour' ? true : undefined), {
    timeoutMs: 90_000,
    intervalMs: 1_000,
  });
  await core.deleteNamespacedConfigMap({ name: 'demo-settings', namespace });
  await waitFor('the deleted object re-created', async () => ((await greeting()) === 'bonjour' ? true : undefined), {
    timeoutMs: 90_000,
    intervalMs: 1_000,
  });
  const s = await until('Running', (x) => x.phase === 'Running', 60_000);
  const messages = s.clusters[0]?.transitions.map((t) => t.message).join('\n') ?? '';
  expect(messages).toMatch(/installing manifest .* \(manifest source changed since it was applied\)/);
  expect(messages).toMatch(/installing manifest .* \(manifest objects missing: ConfigMap\/demo-settings\)/);
  expect(messages).not.toMatch(/reinstall requested/);
}, 300_000);

test('a CRD that never becomes Established shows Failed with that reason, never Unreachable', async () => {
  // A target of its own: the manifest test above registered cluster-2 under the default name already.
  const target = await ksit.target('cluster-2', undefined, `cluster-2-crd-${ksit.run}`);
  const group = `e2e-${ksit.run}.ksit.io`;
  const crd = (plural: string, kind: string) => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural, singular: plural.slice(0, -1), kind, listKind: `${kind}List` },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }],
    },
  });
  // Another CRD of the group already holds the kind: the manifest's CRD is refused its names, for good.
  const crds = kubeClient('cluster-2').kc.makeApiClient(ApiextensionsV1Api);
  await crds.createCustomResourceDefinition({ body: crd('widgets', 'Widget') });
  const source = join(ksit.env.ksitHome, `crd-${ksit.run}.yaml`);
  await writeFile(source, JSON.stringify(crd('gadgets', 'Widget')));
  const namespace = `crd-${ksit.run}`;
  const spec = ksit.spec('custom', [target], {
    // The manifest test above holds the default name custom-<run>.
    name: `gadgets-${ksit.run}`,
    toolNamespace: namespace,
    install: { method: 'manifest', source },
    components: [{ kind: 'Deployment', name: 'gadget-controller' }],
  });
  const { until } = await ksit.integration(spec);
  const failed = await until('Failed', (s) => s.phase === 'Failed', 120_000);
  expect(failed.clusters[0]?.message).toMatch(
    new RegExp(
      `^install failed, retrying every 2s: CRD gadgets\\.${group.replace(/\./g, '\\.')} on cluster-2 is not Established: NamesAccepted=False`,
    ),
  );
  // Retried, still Failed with the reason; never Unreachable.
  await new Promise((r) => setTimeout(r, 8_000));
  const later = await until('still Failed', (s) => s.phase === 'Failed', 10_000);
  expect(later.clusters[0]?.transitions.map((t) => t.phase)).not.toContain('Unreachable');
  await crds.deleteCustomResourceDefinition({ name: `widgets.${group}` });
  await crds.deleteCustomResourceDefinition({ name: `gadgets.${group}` }).catch(() => undefined);
}, 300_000);
