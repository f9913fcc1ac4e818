// config.healthEndpoint: an HTTP GET through the target's API server (its service proxy) that must answer 2xx for
// the tool to count as healthy. Written `[https:]<service>:<port>/<path>`, or as a bare `/<path>` for a tool whose
// definition names the Service (Argo CD: https on argocd-server, as the seed's example expects). Pure.
import type { HealthEndpoint, ToolId } from '../types.js';

/** Path characters allowed: no query, fragment, percent-encoding or `..` segment that could reach another URL. */
const PATH = /^\/[A-Za-z0-9._~/-]*$/;
const FULL =
  /^(?:(https?):)?([a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?):([a-z0-9](?:[-a-z0-9]{0,13}[a-z0-9])?|\d{1,5})(\/.*)$/;

export const EXAMPLE =
  'argocd-server:http/healthz (a Service, its port name or number, the path; https: in front for TLS)';

export function parseHealthEndpoint(
  text: string,
  defaults: Omit<HealthEndpoint, 'path'> | undefined,
  type: ToolId,
): HealthEndpoint | { problem: string } {
  const full = FULL.exec(text);
  const [scheme, service, port, path] = full ? [full[1] ?? 'http', full[2], full[3], full[4]] : [];
  if (!full && !text.startsWith('/')) return { problem: `not understood: write it as ${EXAMPLE}` };
  const wanted = path ?? text;
  if (!PATH.test(wanted) || wanted.split('/').includes('..')) {
    return {
      problem: `path ${JSON.stringify(wanted)} may hold only letters, digits and . _ ~ / - (no query, no %, no ..)`,
    };
  }
  if (full) return { scheme: scheme as 'http' | 'https', service: service!, port: port!, path: wanted };
  if (!defaults) {
    return { problem: `type ${type} names no Service to ask, so a bare path is not enough: write it as ${EXAMPLE}` };
  }
  return { ...defaults, path: wanted };
}

/** As the user writes it: `https:argocd-server:https/healthz`. */
export function formatHealthEndpoint(e: HealthEndpoint): string {
  return `${e.scheme === 'https' ? 'https:' : ''}${e.service}:${e.port}${e.path}`;
}
