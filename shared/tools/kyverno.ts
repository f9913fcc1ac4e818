import type { ToolDefinition } from './tool-definition.js';

export const kyverno: ToolDefinition = {
  id: 'kyverno',
  displayName: 'Kyverno',
  defaultNamespace: 'kyverno',
  defaultInstall: {
    method: 'helm',
    chart: { repository: 'https://kyverno.github.io/kyverno', chart: 'kyverno', version: '3.1.4' },
    releaseName: 'kyverno',
  },
  components: [
    { kind: 'Deployment', name: 'kyverno-admission-controller' },
    { kind: 'Deployment', name: 'kyverno-background-controller' },
    { kind: 'Deployment', name: 'kyverno-cleanup-controller', optional: true },
    { kind: 'Deployment', name: 'kyverno-reports-controller', optional: true },
  ],
  kubeVersionRange: '>=1.25',
};
