import type { ToolDefinition } from './tool-definition.js';

export const certManager: ToolDefinition = {
  id: 'cert-manager',
  displayName: 'cert-manager',
  defaultNamespace: 'cert-manager',
  defaultInstall: {
    method: 'helm',
    chart: { repository: 'https://charts.jetstack.io', chart: 'cert-manager', version: 'v1.14.4' },
    releaseName: 'cert-manager',
  },
  components: [
    { kind: 'Deployment', name: 'cert-manager' },
    { kind: 'Deployment', name: 'cert-manager-webhook' },
    { kind: 'Deployment', name: 'cert-manager-cainjector' },
  ],
  kubeVersionRange: '>=1.24',
};
