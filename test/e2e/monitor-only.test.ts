// Without autoInstall, a cluster that lacks the tool is Failed with a message that says so; nothing is installed.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { kubeClient } from './env/environment.js';
import { type KsitHarness, startKsit } from './helpers/ksit-worker.js';

let ksit: KsitHarness;
beforeAll(async () => {
  ksit = await startKsit();
}, 120_000);
afterAll(() => ksit?.stop());

test('a monitored-only tool that is absent is Failed, and nothing is installed', async () => {
  const target = await ksit.target('cluster-1');
  const spec = ksit.spec('kyverno', [target]);
  const { until } = await ksit.integration(spec);
  const failed = await until('Failed', (s) => s.phase === 'Failed', 90_000);
  expect(failed.clusters[0]?.message).toBe(
    `kyverno is not installed in namespace ${spec.toolNamespace} and autoInstall is off`,
  );
  const deployments = await kubeClient('cluster-1').apps.listNamespacedDeployment({ namespace: spec.toolNamespace });
  expect(deployments.items).toHaveLength(0);
}, 300_000);
