import type { ToolDefinition } from './tool-definition.js';

// Flux ships as one manifest with its CRDs inside: installed CRDs first (the seed's bug was skipping them).
export const flux: ToolDefinition = {
  id: 'flux',
  displayName: 'Flux',
  defaultNamespace: 'flux-system',
  defaultInstall: {
    method: 'manifest',
    source: 'https://github.com/fluxcd/flux2/releases/download/v2.2.3/install.yaml',
  },
  components: [
    { kind: 'Deployment', name: 'source-controller' },
    { kind: 'Deployment', name: 'kustomize-controller' },
    { kind: 'Deployment', name: 'helm-controller' },
    { kind: 'Deployment', name: 'notification-controller' },
    { kind: 'Deployment', name: 'image-automation-controller', optional: true },
    { kind: 'Deployment', name: 'image-reflector-controller', optional: true },
  ],
  kubeVersionRange: '>=1.26',
};
