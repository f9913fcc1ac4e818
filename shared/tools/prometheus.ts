import type { ToolDefinition } from './tool-definition.js';

// kube-prometheus-stack names its objects after the release; these are the names for release "prometheus".
export const prometheus: ToolDefinition = {
  id: 'prometheus',
  displayName: 'kube-prometheus-stack',
  defaultNamespace: 'monitoring',
  defaultInstall: {
    method: 'helm',
    chart: {
      repository: 'https://prometheus-community.github.io/helm-charts',
      chart: 'kube-prometheus-stack',
      version: '55.5.0',
    },
    releaseName: 'prometheus',
  },
  components: [
    { kind: 'Deployment', name: 'prometheus-kube-prometheus-operator' },
    { kind: 'StatefulSet', name: 'prometheus-prometheus-kube-prometheus-prometheus' },
    { kind: 'StatefulSet', name: 'alertmanager-prometheus-kube-prometheus-alertmanager', optional: true },
    { kind: 'Deployment', name: 'prometheus-grafana', optional: true },
    { kind: 'Deployment', name: 'prometheus-kube-state-metrics', optional: true },
    { kind: 'DaemonSet', name: 'prometheus-prometheus-node-exporter', optional: true },
  ],
  kubeVersionRange: '>=1.19',
};
