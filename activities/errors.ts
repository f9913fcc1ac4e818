import { ApplicationFailure } from '@temporalio/common';

import { FailureType } from '../shared/failure-types.js';

export { FailureType };

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_HEADERS_TIMEOUT',
]);

/** The HTTP status of a client-node ApiException, if that is what `err` is. */
export function httpStatus(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

function networkCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, address, port } = e as { code?: unknown; address?: unknown; port?: unknown };
    if (typeof code === 'string' && NETWORK_CODES.has(code))
      return typeof address === 'string' ? `${code} ${address}${port ? `:${String(port)}` : ''}` : code;
    const name = (e as { name?: unknown }).name;
    if (name === 'TimeoutError' || name === 'AbortError') return 'TIMEOUT';
  }
  return undefined;
}

/** True when `err` means the cluster could not be reached or is overloaded: worth retrying. */
export function isUnreachable(err: unknown): boolean {
  const status = httpStatus(err);
  if (status !== undefined) return status >= 500 || status === 429;
  return networkCode(err) !== undefined;
}

/** Turns an error from a cluster call into a classified ApplicationFailure; `what` says what we were doing. */
export function classifyKubeError(err: unknown, cluster: string, what: string): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  const status = httpStatus(err);
  if (isUnreachable(err)) {
    const detail = status !== undefined ? `HTTP ${status}` : networkCode(err);
    return ApplicationFailure.retryable(
      `cluster ${cluster} unreachable while ${what} (${detail})`,
      FailureType.Unreachable,
    );
  }
  if (status === 401 || status === 403) {
    return ApplicationFailure.nonRetryable(
      `cluster ${cluster} refused ${what}: HTTP ${status} ${apiMessage(err)}`.trim(),
      FailureType.Forbidden,
    );
  }
  if (status !== undefined) {
    // The API server answered with another 4xx (400, 404, 409, 422): it is there and says no to this request.
    return ApplicationFailure.retryable(
      `cluster ${cluster} refused ${what}: HTTP ${status} ${apiMessage(err)}`.trim(),
      FailureType.ApiRejected,
    );
  }
  if (tlsCode(err)) {
    return ApplicationFailure.nonRetryable(
      `cluster ${cluster}: TLS failed while ${what} (${tlsCode(err)}): check the kubeconfig's CA and certificates`,
      FailureType.BadCredentials,
    );
  }
  return ApplicationFailure.retryable(
    `cluster ${cluster}: ${what} failed: ${apiMessage(err) || messageChain(err)}`,
    FailureType.ClientError,
  );
}

const TLS_CODES = /^(CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_TLS_|ERR_SSL_)/;

/** The TLS error code in `err` or its causes (an unknown CA, an expired or mismatched certificate). */
function tlsCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && TLS_CODES.test(code)) return code;
  }
  return undefined;
}

/** "fetch failed: bad port": undici puts the useful part of its errors in `cause`. */
function messageChain(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const message = e instanceof Error ? e.message : String(e);
    if (message && !parts.includes(message)) parts.push(message);
  }
  return parts.join(': ');
}

function apiMessage(err: unknown): string {
  const body = (err as { body?: unknown } | null)?.body;
  if (typeof body === 'string') {
    try {
      return (JSON.parse(body) as { message?: string }).message ?? '';
    } catch {
      return body.slice(0, 200);
    }
  }
  return (body as { message?: string } | undefined)?.message ?? '';
}
