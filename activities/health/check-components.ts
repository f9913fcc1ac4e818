import type { V1EndpointSlice, V1Pod, V1Service } from '@kubernetes/client-node';
import type { ComponentHealth, ComponentRef, HealthReport, WorkloadKind } from '../../shared/types.js';
import type { ClusterClient } from '../kube/cluster-clients.js';
import { withTimeout } from '../kube/request-options.js';
import { matchesSelector, podReason } from './pod-reason.js';
import { serviceHealth } from './service-health.js';
import { type Workload, workloadReadiness } from './workload-health.js';

const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Reads the tool's workloads (one list per kind, not one call per component), its Services' endpoints when it has
 * Service components (one list of Services and one of EndpointSlices) and, only when a workload is unhealthy, its
 * pods, to say why.
 */
export async function checkComponents(
  client: ClusterClient,
  namespace: string,
  components: ComponentRef[],
  /** The workloads of a kind from the worker's watch cache, or undefined to read them from the API. */
  cached: (kind: WorkloadKind) => Workload[] | undefined = () => undefined,
): Promise<HealthReport> {
  const opts = withTimeout(REQUEST_TIMEOUT_MS);
  const kinds = workloadKinds(components);
  const byKind = new Map<WorkloadKind, Map<string, Workload>>();
  let services: { list: V1Service[]; slices: V1EndpointSlice[] } | undefined;
  await Promise.all([
    ...kinds.map(async (kind) => {
      const list =
        cached(kind) ??
        (kind === 'Deployment'
          ? await client.apps.listNamespacedDeployment({ namespace }, opts)
          : kind === 'StatefulSet'
            ? await client.apps.listNamespacedStatefulSet({ namespace }, opts)
            : await client.apps.listNamespacedDaemonSet({ namespace }, opts)
        ).items;
      byKind.set(kind, new Map(list.map((w: Workload) => [w.metadata?.name ?? '', w])));
    }),
    (async () => {
      if (!components.some((c) => c.kind === 'Service')) return;
      const [list, slices] = await Promise.all([
        client.core.listNamespacedService({ namespace }, opts),
        client.discovery.listNamespacedEndpointSlice({ namespace }, opts),
      ]);
      services = { list: list.items, slices: slices.items };
    })(),
  ]);

  let pods: V1Pod[] | undefined;
  const results: ComponentHealth[] = [];
  for (const c of components) {
    if (c.kind === 'Service') {
      results.push(serviceHealth(c.name, services?.list ?? [], services?.slices ?? []));
      continue;
    }
    const w = byKind.get(c.kind)?.get(c.name);
    if (!w) {
      results.push({
        kind: c.kind,
        name: c.name,
        ready: 0,
        desired: 0,
        healthy: false,
        reason: `${c.name}: not found`,
      });
      continue;
    }
    const r = workloadReadiness(c.kind, w);
    const healthy = r.desired > 0 && r.ready >= r.desired && !r.rolloutPending;
    let reason: string | undefined;
    if (!healthy) {
      pods ??= (await client.core.listNamespacedPod({ namespace }, opts)).items;
      reason = describeUnhealthy(c.name, r, pods, w);
    }
    results.push({ kind: c.kind, name: c.name, ready: r.ready, desired: r.desired, healthy, reason });
  }
  return summarize(components, results);
}

function describeUnhealthy(name: string, r: { ready: number; desired: number }, pods: V1Pod[], w: Workload): string {
  if (r.desired === 0) return `${name}: scaled to 0`;
  const own = pods.filter((p) => matchesSelector(p, w.spec?.selector?.matchLabels));
  const why = own.map(podReason).find((x) => x !== undefined);
  return `${name}: ${r.ready}/${r.desired} ready${why ? `, ${why}` : ''}`;
}

/** Pure: folds per-component results into the report the workflow decides on. */
export function summarize(components: ComponentRef[], results: ComponentHealth[]): HealthReport {
  const notFound = (r: ComponentHealth) => r.desired === 0 && !!r.reason?.endsWith('not found');
  // The tool is absent when none of its always-required components exist; a when-present one counts once found.
  const always = results.filter((_, i) => !components[i]?.optional && !components[i]?.whenPresent);
  const absent = always.length > 0 && always.every(notFound);
  const required = results.filter((r, i) => !components[i]?.optional && !(components[i]?.whenPresent && notFound(r)));
  const firstBad = required.find((r) => !r.healthy);
  return { healthy: !firstBad, absent, components: results, reason: firstBad?.reason };
}

/** The workload kinds among the components (Services are read from their endpoints, not as workloads). */
export function workloadKinds(components: ComponentRef[]): WorkloadKind[] {
  return [...new Set(components.flatMap((c) => (c.kind === 'Service' ? [] : [c.kind])))];
}
