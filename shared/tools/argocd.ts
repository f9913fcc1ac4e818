import type { ToolDefinition } from './tool-definition.js';

export const argocd: ToolDefinition = {
  id: 'argocd',
  displayName: 'Argo CD',
  defaultNamespace: 'argocd',
  defaultInstall: {
    method: 'helm',
    chart: { repository: 'https://argoproj.github.io/argo-helm', chart: 'argo-cd', version: '5.51.6' },
    releaseName: 'argocd',
  },
  components: [
    { kind: 'Deployment', name: 'argocd-server' },
    { kind: 'Deployment', name: 'argocd-repo-server' },
    { kind: 'StatefulSet', name: 'argocd-application-controller' },
    { kind: 'Deployment', name: 'argocd-redis', optional: true },
    { kind: 'Deployment', name: 'argocd-dex-server', optional: true },
    { kind: 'Deployment', name: 'argocd-applicationset-controller', optional: true },
    { kind: 'Deployment', name: 'argocd-notifications-controller', optional: true },
    // Seed 003: the UI/API and the repo server must also be reachable, i.e. their Services have ready endpoints.
    { kind: 'Service', name: 'argocd-server' },
    { kind: 'Service', name: 'argocd-repo-server' },
  ],
  // The seed's example (`healthEndpoint: /healthz`, server.insecure false): the server answers over TLS.
  healthService: { scheme: 'https', service: 'argocd-server', port: 'https' },
  kubeVersionRange: '>=1.23',
};
