import type { ToolDefinition } from './tool-definition.js';

export const istio: ToolDefinition = {
  id: 'istio',
  displayName: 'Istio',
  defaultNamespace: 'istio-system',
  defaultInstall: {
    method: 'helm',
    chart: { repository: 'https://istio-release.storage.googleapis.com/charts', chart: 'istiod', version: '1.20.2' },
    releaseName: 'istiod',
  },
  components: [
    { kind: 'Deployment', name: 'istiod' },
    // The seed's client checked the ingress gateway when one is installed next to istiod.
    { kind: 'Deployment', name: 'istio-ingressgateway', whenPresent: true },
  ],
  kubeVersionRange: '>=1.25',
};
