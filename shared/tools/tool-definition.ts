import type { ComponentRef, HealthEndpoint, HelmChartRef, ToolId } from '../types.js';

/** Everything ksit knows about one tool. Adding a tool is one such file plus a line in registry.ts. */
export interface ToolDefinition {
  id: ToolId;
  displayName: string;
  defaultNamespace: string;
  /** How autoInstall installs it when the Integration names no chart or manifest of its own. */
  defaultInstall?:
    { method: 'helm'; chart: HelmChartRef; releaseName: string } | { method: 'manifest'; source: string };
  /** Workloads that must be ready (optional ones are reported but never make the tool unhealthy). */
  components: ComponentRef[];
  /** Where a bare `config.healthEndpoint: /path` is asked; tools without it need the full form. */
  healthService?: Omit<HealthEndpoint, 'path'>;
  /** Kubernetes server versions the tool supports, as a range over major.minor. */
  kubeVersionRange?: string;
}
