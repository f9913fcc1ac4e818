// A Service component is healthy when it has a ready endpoint; Argo CD's server and repo server are such components.
import { describe, expect, it } from '@jest/globals';
import type { V1EndpointSlice, V1Service } from '@kubernetes/client-node';
import { summarize } from '../../../activities/health/check-components.js';
import { serviceHealth } from '../../../activities/health/service-health.js';
import { TOOLS } from '../../../shared/tools/registry.js';

const service = (name: string): V1Service => ({ metadata: { name } });
const slice = (service: string, ready: (boolean | undefined)[]): V1EndpointSlice => ({
  addressType: 'IPv4',
  metadata: { name: `${service}-abcde`, labels: { 'kubernetes.io/service-name': service } },
  endpoints: ready.map((r, i) => ({ addresses: [`10.0.0.${i + 1}`], conditions: r === undefined ? {} : { ready: r } })),
});

describe('serviceHealth', () => {
  it('one ready endpoint is enough; endpoints of other Services do not count', () => {
    expect(serviceHealth('web', [service('web')], [slice('web', [false, true]), slice('db', [true])])).toEqual({
      kind: 'Service',
      name: 'web',
      ready: 1,
      desired: 2,
      healthy: true,
    });
  });

  it('a missing ready condition means ready, as the API defines it', () => {
    expect(serviceHealth('web', [service('web')], [slice('web', [undefined])]).healthy).toBe(true);
  });

  it('endpoints that are all not ready, or none at all, are unhealthy with the reason', () => {
    expect(serviceHealth('web', [service('web')], [slice('web', [false, false])])).toMatchObject({
      healthy: false,
      reason: 'service web: 0/2 endpoints ready',
    });
    expect(serviceHealth('web', [service('web')], [slice('web', [])])).toMatchObject({
      healthy: false,
      desired: 1,
      reason: 'service web: no endpoints',
    });
  });

  it('a missing Service is not found, so a tool with nothing installed still counts as absent', () => {
    const missing = serviceHealth('web', [service('other')], []);
    expect(missing).toMatchObject({ healthy: false, desired: 0, reason: 'service web: not found' });
    const components = [
      { kind: 'Deployment' as const, name: 'web' },
      { kind: 'Service' as const, name: 'web' },
    ];
    const gone = {
      kind: 'Deployment' as const,
      name: 'web',
      ready: 0,
      desired: 0,
      healthy: false,
      reason: 'web: not found',
    };
    expect(summarize(components, [gone, missing])).toMatchObject({ absent: true });
  });

  it("Argo CD's server and repo server Services are required components, after the workloads", () => {
    const argocd = TOOLS.argocd.components;
    expect(argocd.filter((c) => c.kind === 'Service')).toEqual([
      { kind: 'Service', name: 'argocd-server' },
      { kind: 'Service', name: 'argocd-repo-server' },
    ]);
    // Listed last: when a workload is down, its own reason (with the pod's) is the one shown, not its Service's.
    expect(argocd.at(-1)?.kind).toBe('Service');
  });
});
