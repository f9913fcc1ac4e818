// config.healthEndpoint end to end: the real API server's service proxy carries the check to an HTTP server (run
// by this test on the machine's own address, as a selector-less Service's endpoint); its answers move the phase.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { networkInterfaces } from 'node:os';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { parseSpecText } from '../../shared/spec/index.js';
import { kubeClient } from './env/environment.js';
import { type KsitHarness, startKsit } from './helpers/ksit-worker.js';

let ksit: KsitHarness;
let server: Server;
let answer = 200;
const asked: string[] = [];

/** The API server refuses to proxy to loopback addresses, so the server listens on the machine's own address. */
function machineAddress(): string {
  const found = Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal);
  if (!found) throw new Error('this test needs a non-loopback IPv4 address on the machine');
  return found.address;
}

beforeAll(async () => {
  ksit = await startKsit();
  server = createServer((req, res) => {
    asked.push(req.url ?? '');
    res.writeHead(answer).end(answer === 200 ? 'ok' : 'not ready');
  });
  server.listen(0, machineAddress());
  await once(server, 'listening');
}, 120_000);
afterAll(async () => {
  server?.close();
  await ksit?.stop();
});

test('an Integration with a health endpoint is Running while it answers 200 and Degraded while it answers 503', async () => {
  const target = await ksit.target('cluster-1');
  const namespace = `health-${ksit.run}`;
  const { core, apps } = kubeClient('cluster-1');
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  const labels = { app: 'web' };
  await apps.createNamespacedDeployment({
    namespace,
    body: {
      metadata: { name: 'web', namespace },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'example/web:1' }] } },
      },
    },
  });
  // The Service the health endpoint names, pointing at this test's server.
  const { address, port } = server.address() as AddressInfo;
  await core.createNamespacedService({
    namespace,
    body: { metadata: { name: 'web-health', namespace }, spec: { ports: [{ name: 'http', port: 8080 }] } },
  });
  await core.createNamespacedEndpoints({
    namespace,
    body: {
      metadata: { name: 'web-health', namespace },
      subsets: [{ addresses: [{ ip: address }], ports: [{ name: 'http', port }] }],
    },
  });

  // Through the real spec parser, as `ksit apply` reads it.
  const parsed = parseSpecText(
    `apiVersion: ksit.io/v1alpha1
kind: Integration
metadata: {name: web-${ksit.run}}
spec:
  type: custom
  targetClusters: [${target.name}]
  config:
    namespace: ${namespace}
    healthCheckInterval: 2s
    healthEndpoint: web-health:http/healthz
    components: [{kind: Deployment, name: web}]
`,
    'web.yaml',
  );
  expect(parsed.problems).toEqual([]);
  const { until } = await ksit.integration(parsed.integrations[0]!);

  await until('Running with the endpoint answering 200', (s) => s.phase === 'Running', 120_000);
  expect(asked).toContain('/healthz');

  answer = 503;
  const degraded = await until('Degraded while it answers 503', (s) => s.phase === 'Degraded', 60_000);
  expect(degraded.clusters[0]?.message).toBe('health endpoint web-health:http/healthz: HTTP 503');

  answer = 200;
  await until('Running again', (s) => s.phase === 'Running', 60_000);
  await core.deleteNamespace({ name: namespace });
}, 300_000);
