// config.healthEndpoint: the forms accepted, what a bare path means per tool, and what is refused (with the field).
import { describe, expect, it } from '@jest/globals';
import { formatHealthEndpoint, parseHealthEndpoint } from '../../../shared/spec/health-endpoint.js';
import { parseSpecText } from '../../../shared/spec/index.js';
import { TOOLS } from '../../../shared/tools/registry.js';

const integration = (type: string, endpoint: string) => `apiVersion: ksit.io/v1alpha1
kind: Integration
metadata: {name: x}
spec:
  type: ${type}
  targetClusters: [c1]
  config:
    healthEndpoint: ${JSON.stringify(endpoint)}
    components: [{kind: Deployment, name: x}]
`;

describe('parseHealthEndpoint', () => {
  const argocd = TOOLS.argocd.healthService;

  it.each([
    ['argocd-server:http/healthz', { scheme: 'http', service: 'argocd-server', port: 'http', path: '/healthz' }],
    ['https:web:8443/', { scheme: 'https', service: 'web', port: '8443', path: '/' }],
    ['web:80/api/v1.2/ready_z~', { scheme: 'http', service: 'web', port: '80', path: '/api/v1.2/ready_z~' }],
  ])('%s', (text, parsed) => {
    expect(parseHealthEndpoint(text, undefined, 'custom')).toEqual(parsed);
    expect(formatHealthEndpoint(parsed as never)).toBe(text);
  });

  it("a bare path asks the tool's own Service: Argo CD's server over TLS, as the seed's example needs", () => {
    expect(parseHealthEndpoint('/healthz', argocd, 'argocd')).toEqual({
      scheme: 'https',
      service: 'argocd-server',
      port: 'https',
      path: '/healthz',
    });
  });

  it.each([
    ['/healthz', 'custom', /type custom names no Service to ask.*write it as argocd-server:http\/healthz/],
    ['web:80/x?y=1', 'custom', /no query/],
    ['web:80/%2e%2e/secret', 'custom', /no %/],
    ['web:80/a/../../b', 'custom', /no \.\./],
    ['http://web/healthz', 'custom', /not understood/],
    ['web/healthz', 'custom', /not understood/],
  ])('%s for type %s is refused', (text, type, message) => {
    const parsed = parseHealthEndpoint(text, TOOLS[type as 'custom'].healthService, type as 'custom');
    expect(parsed).toEqual({ problem: expect.stringMatching(message) });
  });
});

describe('config.healthEndpoint in a spec', () => {
  it('is carried into the spec workflows get', () => {
    const set = parseSpecText(integration('custom', 'web:8080/healthz'), 'x.yaml');
    expect(set.problems).toEqual([]);
    expect(set.integrations[0]?.healthEndpoint).toEqual({
      scheme: 'http',
      service: 'web',
      port: '8080',
      path: '/healthz',
    });
  });

  it('a bad one names the file and field, and nothing is loaded', () => {
    const set = parseSpecText(integration('prometheus', '/-/healthy'), 'x.yaml');
    expect(set.problems).toEqual([
      expect.objectContaining({
        file: 'x.yaml',
        field: 'spec.config.healthEndpoint',
        message: expect.stringMatching(/^type prometheus names no Service to ask/),
      }),
    ]);
    expect(set.integrations).toEqual([]);
  });
});
