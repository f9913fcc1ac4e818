import {
  Observable,
  type ConfigurationOptions,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';
import { formatHealthEndpoint } from '../../shared/spec/health-endpoint.js';
import type { HealthEndpoint, HealthReport } from '../../shared/types.js';
import { httpStatus } from '../errors.js';
import type { ClusterClient } from '../kube/cluster-clients.js';
import { withTimeout } from '../kube/request-options.js';

/** A health endpoint that takes longer than this is as good as down. */
const PROBE_TIMEOUT_MS = 5_000;

/**
 * Asks the tool's health endpoint through the target's API server (GET .../services/[https:]NAME:PORT/proxy/PATH),
 * so it needs no network path from the worker to the pods, only `get services/proxy` in the tool's namespace.
 * Undefined when it answered 2xx, else the reason. The API server's own refusals (no endpoints, forbidden) are
 * reasons too; only an API server that does not answer throws, for the watch to count as unreachable.
 */
export async function probeHealthEndpoint(
  client: ClusterClient,
  namespace: string,
  endpoint: HealthEndpoint,
): Promise<string | undefined> {
  const name = `${endpoint.scheme === 'https' ? 'https:' : ''}${endpoint.service}:${endpoint.port}`;
  try {
    await client.core.connectGetNamespacedServiceProxy({ name, namespace }, probeOptions(endpoint.path));
    return undefined;
  } catch (err) {
    const code = httpStatus(err);
    if (code === undefined) throw err;
    return `health endpoint ${formatHealthEndpoint(endpoint)}: ${explain(code, (err as { body?: unknown }).body)}`;
  }
}

/**
 * The deadline; the path put after `/proxy` (client-node would send it as `?path=`, which the API server passes on
 * to the tool as a query instead of using it as the path, and its path-style method encodes the slashes); and a
 * Content-Type for answers that have none (the tool's body is often bare text, which client-node refuses to parse
 * without a type; the status code is all the check needs). The path holds only URL-safe characters (validated).
 */
function probeOptions(path: string): ConfigurationOptions {
  const timeout = withTimeout(PROBE_TIMEOUT_MS);
  return {
    ...timeout,
    middleware: [
      ...(timeout.middleware ?? []),
      {
        pre: (ctx: RequestContext) => {
          const url = new URL(ctx.getUrl());
          url.search = '';
          url.pathname = `${url.pathname}${path}`;
          ctx.setUrl(url.toString());
          return new Observable(Promise.resolve(ctx));
        },
        post: (res: ResponseContext) => {
          res.headers['content-type'] ??= 'text/plain';
          return new Observable(Promise.resolve(res));
        },
      },
    ],
  };
}

/** The report with the endpoint's verdict: unhealthy with its reason, unless a component already is. */
export function withHealthEndpoint(report: HealthReport, problem: string | undefined): HealthReport {
  if (!problem || !report.healthy) return report;
  return { ...report, healthy: false, reason: problem };
}

/** The status code, and the API server's message when the refusal is its own (a Status object) rather than the tool's. */
function explain(code: number, body: unknown): string {
  if (code === 403) return 'forbidden: the target credentials need get on services/proxy in this namespace';
  let message: string | undefined;
  try {
    const parsed: unknown = typeof body === 'string' ? JSON.parse(body) : body;
    if ((parsed as { kind?: unknown })?.kind === 'Status') message = String((parsed as { message?: unknown }).message);
  } catch {
    // The tool's own body: not shown (it may be large, and it is not ours to print).
  }
  return `HTTP ${code}${message ? ` (${message})` : ''}`;
}
