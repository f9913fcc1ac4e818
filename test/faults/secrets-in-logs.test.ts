// Planted secrets never reach the worker's log, even at LOG_LEVEL=debug: the key and a planted token of a
// kubeconfig held in a Secret (the target's credentials), and passwords in Helm values (nested and flat --set),
// through an install, health checks, a fault, and an install that fails.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { getCluster, injectFault, kubeClient, loadEnvironment } from '../e2e/env/environment.js';
import { clusterOf, type KsitHarness, startKsit, testChart } from '../e2e/helpers/ksit-worker.js';
import { startWorkerProcess, type WorkerProcess } from '../e2e/helpers/worker-process.js';

// cluster-2 plays the control cluster; the Secret it holds points at cluster-1.
const control = 'cluster-2';
const planted = {
  token: `planted-token-${randomUUID()}`,
  nestedValue: `planted-password-${randomUUID()}`,
  setValue: `planted-set-${randomUUID()}`,
};

let ksit: KsitHarness;
let worker: WorkerProcess | undefined;
let logFile: string;
const secretName = () => `planted-kubeconfig-${ksit.run}`;

beforeAll(async () => {
  const env = loadEnvironment();
  ksit = await startKsit({ inProcessWorker: false });
  logFile = join(env.ksitHome, 'logs', `faults-secrets-${ksit.run}.log`);
  worker = await startWorkerProcess(env, {
    taskQueue: ksit.taskQueue,
    logFile,
    logLevel: 'debug',
    env: { KSIT_CONTROL_KUBECONFIG: getCluster(control, env).kubeconfig },
  });
}, 120_000);
afterAll(async () => {
  await kubeClient(control)
    .core.deleteNamespacedSecret({ name: secretName(), namespace: 'ksit-system' })
    .catch(() => undefined);
  await ksit?.stop();
  worker?.kill();
}, 180_000);

/** cluster-1's kubeconfig with an extra, unused user whose token is the planted secret. */
function kubeconfigWithPlantedToken(): { text: string; clientKey: string } {
  const kc = new KubeConfig();
  kc.loadFromFile(getCluster('cluster-1').kubeconfig);
  const clientKey = kc.getCurrentUser()?.keyData ?? '';
  const doc = JSON.parse(kc.exportConfig()) as { users: { name: string; user: Record<string, string> }[] };
  doc.users.push({ name: 'planted', user: { token: planted.token } });
  return { text: stringify(doc), clientKey };
}

test('secrets in a kubeconfig Secret and in Helm values never appear in the debug log', async () => {
  const { text, clientKey } = kubeconfigWithPlantedToken();
  expect(clientKey.length).toBeGreaterThan(40);
  const core = kubeClient(control).core;
  await core.createNamespace({ body: { metadata: { name: 'ksit-system' } } }).catch(() => undefined);
  await core.createNamespacedSecret({
    namespace: 'ksit-system',
    body: {
      metadata: { name: secretName(), namespace: 'ksit-system', labels: { 'ksit.io/kubeconfig': 'true' } },
      data: { kubeconfig: Buffer.from(text).toString('base64') },
    },
  });
  const target = await ksit.target('cluster-1', {
    kind: 'secret',
    namespace: 'ksit-system',
    name: secretName(),
    key: 'kubeconfig',
  });
  const values = { auth: { password: planted.nestedValue } };
  const setValues = [{ key: 'auth.token', value: planted.setValue }];
  const good = ksit.spec('istio', [target], {
    install: { ...testChart(ksit.env, 'istiod', '1.20.2', 'istiod', values), setValues },
  });
  // The same secrets in an install that fails (no such chart version): error paths log too.
  const bad = ksit.spec('kyverno', [target], {
    install: { ...testChart(ksit.env, 'kyverno', '0.0.0-missing', 'kyverno', values), setValues },
  });
  const { until } = await ksit.integration(good);
  const failing = await ksit.integration(bad);
  await until('Running', (s) => s.phase === 'Running', 300_000);
  await failing.until('Failed', (s) => s.phase === 'Failed', 300_000);
  await injectFault('cluster-1', good.toolNamespace, 'deployment/istiod', 'crashloop');
  await until('Degraded', (s) => clusterOf(s, target)?.phase === 'Degraded', 120_000);
  await injectFault('cluster-1', good.toolNamespace, 'deployment/istiod', 'clear');
  await until('Running again', (s) => s.phase === 'Running', 120_000);
  await sleep(5_000); // a few more health checks at 2 s

  const log = readFileSync(logFile, 'utf8');
  // The log is there and at debug level: health checks and the install are in it.
  expect(log).toMatch(/"msg":"health check"/);
  expect(log).toMatch(/"msg":"install"/);
  const leaks = Object.entries({ ...planted, clientKey, clientKeyPem: Buffer.from(clientKey, 'base64').toString() })
    .filter(([, secret]) => secret && log.includes(secret))
    .map(([name]) => name);
  expect(leaks).toEqual([]);
  console.log(`[faults] ${log.split('\n').length} log lines at debug level, none with a planted secret`);
}, 900_000);
