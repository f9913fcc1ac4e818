import { TOOL_IDS, type IntegrationSpec, type TargetSpec } from './types.js';

// Plain checks of a normalized spec, cheap and deterministic so that workflow update validators can run them.
// Raw YAML is validated (with field paths and fixes) by the zod schemas in shared/spec at the CLI's edge; these
// guard running workflows against any client that skipped that.

export function integrationSpecProblems(spec: IntegrationSpec): string[] {
  const problems: string[] = [];
  if (!spec || typeof spec !== 'object') return ['spec must be an object'];
  if (!spec.name || !spec.namespace) problems.push('name and namespace are required');
  if (!(TOOL_IDS as readonly string[]).includes(spec.type)) problems.push(`type must be one of ${TOOL_IDS.join(', ')}`);
  if (!Array.isArray(spec.targetClusters)) problems.push('targetClusters must be a list');
  if (spec.targetClusters?.length === 0 && !spec.targetSelector)
    problems.push('targetClusters or targetSelector is required');
  if (!(spec.healthCheckIntervalMs >= 1000)) problems.push('healthCheckInterval must be at least 1s');
  if (!(spec.gracePeriodMs >= 0)) problems.push('gracePeriod must not be negative');
  if (!spec.toolNamespace) problems.push('config.namespace is required');
  if (!Array.isArray(spec.components) || spec.components.length === 0)
    problems.push('at least one component to check is required');
  if (spec.install?.method === 'helm' && (!spec.install.chart?.chart || !spec.install.releaseName)) {
    problems.push('helm install needs a chart and a releaseName');
  }
  if (spec.install?.method === 'manifest' && !spec.install.source) problems.push('manifest install needs a source');
  return problems;
}

/** An update may change everything but identity. */
export function specUpdateProblems(current: IntegrationSpec, next: IntegrationSpec): string[] {
  const problems = integrationSpecProblems(next);
  if (next?.name !== current.name || next?.namespace !== current.namespace) {
    problems.push(
      `spec is for ${next?.namespace}/${next?.name}, this workflow is ${current.namespace}/${current.name}`,
    );
  }
  return problems;
}

export function targetSpecProblems(spec: TargetSpec): string[] {
  const problems: string[] = [];
  if (!spec?.name || !spec.namespace || !spec.clusterName)
    problems.push('name, namespace and clusterName are required');
  if (!spec?.credentials || (spec.credentials.kind !== 'secret' && spec.credentials.kind !== 'file')) {
    problems.push('credentials must reference a Secret or a kubeconfig file');
  }
  return problems;
}
