// How the CLI shows spec.dependsOn: the DEPENDS column of `get -o wide`, and in `describe` the dependency graph per
// cluster (what this Integration waits for there, and who waits for it).
import type { ClusterStatus, DependencyRef, IntegrationStatus } from '../shared/types.js';

const shortName = (key: string, namespace: string) =>
  key.startsWith(`${namespace}/`) ? key.slice(namespace.length + 1) : key;

/** `cert-manager,prometheus` (namespace/name for another namespace's), or `<none>`. */
export function dependsColumn(status: IntegrationStatus): string {
  const keys = new Set([
    ...(status.dependsOn ?? []),
    ...status.clusters.flatMap((c) => (c.dependencies ?? []).map((d) => d.dependency)),
  ]);
  return [...keys].map((k) => shortName(k, status.namespace)).join(',') || '<none>';
}

/** The spec line: `cert-manager, team-b/prometheus`. */
export function dependsOnSummary(refs: DependencyRef[] | undefined, namespace: string): string | undefined {
  if (!refs?.length) return undefined;
  return refs.map((r) => shortName(`${r.namespace}/${r.name}`, namespace)).join(', ');
}

/** Lines under a cluster in describe: `depends on: cert-manager (ready)` and `needed by: istio`. */
export function clusterDependencyLines(c: ClusterStatus, status: IntegrationStatus, indent: string): string {
  let text = '';
  const deps = c.dependencies ?? [];
  if (deps.length > 0) {
    const parts = deps.map(
      (d) =>
        `${shortName(d.dependency, status.namespace)} (${d.state === 'ready' ? 'ready' : `${d.state}: ${d.detail}`})`,
    );
    text += `${indent}depends on: ${parts.join(', ')}\n`;
  }
  const dependents = status.dependents?.[c.cluster] ?? [];
  if (dependents.length > 0) {
    text += `${indent}needed by: ${dependents.map((d) => shortName(d, status.namespace)).join(', ')}\n`;
  }
  return text;
}
