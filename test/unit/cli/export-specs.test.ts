// `ksit get --export` rebuilds documents from the normalized specs the workflows hold: what it prints must validate
// and normalize back to the same spec (so a backup re-applies as it was), with Helm values only when asked for.
import { describe, expect, it } from '@jest/globals';
import { stringify } from 'yaml';
import { integrationDocumentOf, targetDocumentOf } from '../../../client/export-specs.js';
import { parseSpecText } from '../../../shared/spec/index.js';

const INTEGRATION = `apiVersion: ksit.io/v1alpha1
kind: Integration
metadata: {name: argocd, namespace: team-a}
spec:
  type: argocd
  targetClusters: [cluster-1]
  targetSelector: {matchLabels: {env: prod}}
  autoInstall:
    helmConfig:
      version: "5.51.6"
      values: {server.insecure: "false", configs: {params: {a: 1}}}
  config: {healthCheckInterval: 45s, gracePeriod: 1m30s, remediation: {reinstallAfterUnhealthyChecks: 3}}
  rollout:
    waves:
      - {name: canary, clusters: [cluster-1], soak: 5m, approval: manual}
      - {name: rest, selector: {matchLabels: {env: prod}}, maxParallel: 25%}
`;

describe('ksit get --export', () => {
  it('an Integration round-trips through its exported document', () => {
    const original = parseSpecText(INTEGRATION, 'in.yaml');
    expect(original.problems).toEqual([]);
    const spec = original.integrations[0]!;
    const exported = stringify(integrationDocumentOf(spec, true));
    const again = parseSpecText(exported, 'exported.yaml');
    expect(again.problems).toEqual([]);
    expect(again.integrations[0]).toEqual(spec);
  });

  it('leaves Helm values out unless asked, and says so', () => {
    const spec = parseSpecText(INTEGRATION, 'in.yaml').integrations[0]!;
    const doc = integrationDocumentOf(spec) as { metadata: { annotations?: Record<string, string> } };
    expect(JSON.stringify(doc)).not.toContain('server.insecure');
    expect(doc.metadata.annotations?.['ksit.io/values-omitted']).toMatch(/--show-values/);
  });

  it('a target round-trips, with its credential reference', () => {
    const text = `apiVersion: ksit.io/v1alpha1
kind: IntegrationTarget
metadata: {name: c1, namespace: team-a, labels: {env: prod}}
spec: {clusterName: cluster-1, kubeconfigSecret: c1-kc}
`;
    const spec = parseSpecText(text, 't.yaml').targets[0]!;
    const again = parseSpecText(stringify(targetDocumentOf(spec)), 'exported.yaml');
    expect(again.problems).toEqual([]);
    expect(again.targets[0]).toEqual(spec);
  });
});
