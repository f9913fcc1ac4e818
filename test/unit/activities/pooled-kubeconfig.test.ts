// Every request of one cluster goes through one connection pool (client-node alone makes one per request).
import { describe, expect, it } from '@jest/globals';
import { HttpMethod, KubeConfig, RequestContext } from '@kubernetes/client-node';
import { PooledKubeConfig } from '../../../activities/kube/pooled-kubeconfig.js';

const KUBECONFIG = `
apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: 'https://127.0.0.1:6443', insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: secret-token}}]
contexts: [{name: ctx, context: {cluster: c, user: u}}]
current-context: ctx
`;

async function twoRequests(kc: KubeConfig) {
  kc.loadFromString(KUBECONFIG);
  const a = new RequestContext('https://127.0.0.1:6443/api', HttpMethod.GET);
  const b = new RequestContext('https://127.0.0.1:6443/apis', HttpMethod.GET);
  await kc.applySecurityAuthentication(a);
  await kc.applySecurityAuthentication(b);
  return [a, b] as const;
}

describe('PooledKubeConfig', () => {
  it('gives every request the same dispatcher, and still its credentials', async () => {
    const [a, b] = await twoRequests(new PooledKubeConfig());
    expect(a.getDispatcher()).toBeDefined();
    expect(b.getDispatcher()).toBe(a.getDispatcher());
    expect(b.getHeaders().Authorization).toBe('Bearer secret-token');
  });

  it('differs from client-node, which makes a dispatcher (a new connection) per request', async () => {
    const [a, b] = await twoRequests(new KubeConfig());
    expect(b.getDispatcher()).not.toBe(a.getDispatcher());
  });
});
