// config.healthEndpoint end to end: the real API server's service proxy carries the check to an HTTP server run by
// this test (behind a Service whose pod has the machine's address); its answers move the phase.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { networkInterfaces } from 'node:os';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { parseSpecText } from '../../shared/spec/index.js';
import { kubeClient, waitFor } from './env/environment.js';
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

/**
 * A pod whose IP is this machine's address, so that the API server's proxy (which dials only the IPs of real pods
 * behind a Service) reaches the test's server: a host-network pod on a node of the test's own whose InternalIP is
 * that address (KWOK keeps addresses a node already has, and gives host-network pods their node's IP).
 */
async function podOnThisMachine(namespace: string, node: string, address: string): Promise<void> {
  const { core } = kubeClient('cluster-1');
  await core.createNode({
    body: { metadata: { name: node }, spec: { taints: [{ key: 'ksit.io/probe', effect: 'NoSchedule' }] } },
  });
  await waitFor(
    `node ${node} to carry ${address}`,
    async () => {
      const n = await core.readNode({ name: node });
      if (n.status?.addresses?.some((a) => a.address === address)) return true;
      if (!n.status?.conditions) return undefined; // KWOK has not written its status yet
      n.status.addresses = [
        { type: 'InternalIP', address },
        { type: 'Hostname', address: node },
      ];
      await core.replaceNodeStatus({ name: node, body: n }).catch(() => undefined); // a heartbeat won the race
      return undefined;
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
  const pod = {
    metadata: { name: 'web-probe', namespace, labels: { app: 'web-probe' } },
    spec: {
      nodeName: node,
      hostNetwork: true,
      tolerations: [{ key: 'ksit.io/probe', operator: 'Exists' }],
      containers: [{ name: 'web', image: 'example/web:1' }],
    },
  };
  await core.createNamespacedPod({ namespace, body: pod });
  await waitFor(
    `pod web-probe to run with IP ${address}`,
    async () => {
      const p = await core.readNamespacedPod({ name: 'web-probe', namespace }).catch(() => undefined);
      if (!p) await core.createNamespacedPod({ namespace, body: pod }).catch(() => undefined);
      else if (p.status?.podIP && p.status.podIP !== address && !p.metadata?.deletionTimestamp)
        // KWOK's node cache had not seen the new address yet; a pod's IP never changes, so start it again.
        await core.deleteNamespacedPod({ name: 'web-probe', namespace, gracePeriodSeconds: 0 });
      const ready = p?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
      return p?.status?.podIP === address && ready ? true : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
}

test('an Integration with a health endpoint is Running while it answers 200 and Degraded while it answers 503', async () => {
  const target = await ksit.target('cluster-1');
  const namespace = `health-${ksit.run}`;
  const node = `probe-${ksit.run}`;
  const { core } = kubeClient('cluster-1');
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  const { address, port } = server.address() as AddressInfo;
  try {
    await podOnThisMachine(namespace, node, address);
    await core.createNamespacedService({
      namespace,
      body: {
        metadata: { name: 'web-health', namespace },
        spec: { selector: { app: 'web-probe' }, ports: [{ name: 'http', port: 8080, targetPort: port }] },
      },
    });

    // Through the real spec parser, as `ksit apply` reads it; the Service is a component too (a ready endpoint).
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
    components: [{kind: Service, name: web-health}]
`,
      'web.yaml',
    );
    expect(parsed.problems).toEqual([]);
    const { until } = await ksit.integration(parsed.integrations[0]!);

    const running = await until('Running with the endpoint answering 200', (s) => s.phase === 'Running', 120_000);
    expect(running.clusters[0]?.components).toEqual([
      { kind: 'Service', name: 'web-health', ready: 1, desired: 1, healthy: true },
    ]);
    // The tool sees exactly the path (not the API server's proxy query).
    expect(new Set(asked)).toEqual(new Set(['/healthz']));

    answer = 503;
    const degraded = await until('Degraded while it answers 503', (s) => s.phase === 'Degraded', 60_000);
    expect(degraded.clusters[0]?.message).toBe('health endpoint web-health:http/healthz: HTTP 503');

    answer = 200;
    await until('Running again', (s) => s.phase === 'Running', 60_000);
  } finally {
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
    await core.deleteNode({ name: node }).catch(() => undefined);
  }
}, 300_000);
