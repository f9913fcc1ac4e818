import type { V1EndpointSlice, V1Service } from '@kubernetes/client-node';
import type { ComponentHealth } from '../../shared/types.js';

/** The label the EndpointSlice controller puts on every slice of a Service. */
const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/**
 * A Service component's health, from the namespace's Services and EndpointSlices: healthy when at least one
 * endpoint is ready (a Service whose pods all fail their readiness probe sends traffic nowhere, even while its
 * Deployment reports the pods it has). `ready`/`desired` count endpoints. Pure.
 */
export function serviceHealth(name: string, services: V1Service[], slices: V1EndpointSlice[]): ComponentHealth {
  const base = { kind: 'Service' as const, name };
  if (!services.some((s) => s.metadata?.name === name)) {
    return { ...base, ready: 0, desired: 0, healthy: false, reason: `service ${name}: not found` };
  }
  const endpoints = slices
    .filter((s) => s.metadata?.labels?.[SERVICE_NAME_LABEL] === name)
    .flatMap((s) => s.endpoints ?? []);
  // The API says a missing `ready` condition means ready ("unknown state should be interpreted as ready").
  const ready = endpoints.filter((e) => e.conditions?.ready !== false).length;
  if (ready > 0) return { ...base, ready, desired: endpoints.length, healthy: true };
  const why = endpoints.length === 0 ? 'no endpoints' : `0/${endpoints.length} endpoints ready`;
  return {
    ...base,
    ready: 0,
    desired: Math.max(1, endpoints.length),
    healthy: false,
    reason: `service ${name}: ${why}`,
  };
}
