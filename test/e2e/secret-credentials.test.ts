// Credentials from a kubeconfig Secret in the control cluster (the seed's model), and a rotated Secret taking
// effect without restarting the worker (the seed needed a controller restart).
import { readFile } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { KubeConfig } from '@kubernetes/client-node';
import { getCluster, kubeClient, loadEnvironment } from './env/environment.js';
import { clusterOf, type KsitHarness, startKsit, testChart } from './helpers/ksit-worker.js';

// cluster-2 plays the control cluster; the Secret it holds points at cluster-1.
const control = 'cluster-2';
let ksit: KsitHarness;
const secretName = () => `cluster-1-kubeconfig-${ksit.run}`;

async function writeSecret(kubeconfig: string): Promise<void> {
  const core = kubeClient(control).core;
  const body = {
    metadata: { name: secretName(), namespace: 'ksit-system', labels: { 'ksit.io/kubeconfig': 'true' } },
    data: { kubeconfig: Buffer.from(kubeconfig).toString('base64') },
  };
  await core.createNamespace({ body: { metadata: { name: 'ksit-system' } } }).catch(() => undefined);
  try {
    await core.replaceNamespacedSecret({ name: secretName(), namespace: 'ksit-system', body });
  } catch {
    await core.createNamespacedSecret({ namespace: 'ksit-system', body });
  }
}

/** A loopback port nothing listens on (fetch refuses well-known "bad ports" such as 1 before connecting). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  ksit = await startKsit({
    controlKubeconfig: getCluster(control, loadEnvironment()).kubeconfig,
    credentialRecheckMs: 2_000,
  });
}, 120_000);
afterAll(async () => {
  await kubeClient(control)
    .core.deleteNamespacedSecret({ name: secretName(), namespace: 'ksit-system' })
    .catch(() => undefined);
  await ksit?.stop();
});

test('a target whose kubeconfig lives in a Secret works, and a rotated Secret applies without a restart', async () => {
  const good = await readFile(getCluster('cluster-1').kubeconfig, 'utf8');
  await writeSecret(good);
  const target = await ksit.target('cluster-1', {
    kind: 'secret',
    namespace: 'ksit-system',
    name: secretName(),
    key: 'kubeconfig',
  });
  const spec = ksit.spec('istio', [target], {
    install: testChart(ksit.env, 'istiod', '1.20.2', 'istiod'),
  });
  const { until } = await ksit.integration(spec);
  await until('Running with Secret credentials', (s) => s.phase === 'Running');

  // Rotate to a kubeconfig whose server refuses connections: the running worker must notice by itself.
  const kc = new KubeConfig();
  kc.loadFromString(good);
  const broken = good.replace(kc.getCurrentCluster()!.server, `https://127.0.0.1:${await closedPort()}`);
  await writeSecret(broken);
  const down = await until('Unreachable after rotation', (s) => clusterOf(s, target)?.phase === 'Unreachable', 90_000);
  expect(clusterOf(down, target)?.message).toMatch(/ECONNREFUSED/);

  await writeSecret(good);
  await until('Running after rotating back', (s) => s.phase === 'Running', 90_000);
}, 300_000);
