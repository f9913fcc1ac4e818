import { ApplicationFailure } from '@temporalio/common';
import type { HelmInstall } from '../../shared/types.js';
import { FailureType } from '../errors.js';
import { redactHelmText } from './redact-values.js';

// Helm reports everything through stderr text; these patterns decide whether another attempt can help.
const UNREACHABLE = [
  /connection refused/i,
  /i\/o timeout/i,
  /TLS handshake timeout/i,
  /no such host/i,
  /context deadline exceeded/i,
  /Kubernetes cluster unreachable/i,
  /the server is currently unable to handle the request/i,
  /\b(502|503|504)\b/,
  /helm timed out/i,
];
const REJECTED = [
  /chart .* not found/i,
  /no chart version found/i,
  /no chart name found/i,
  /not a valid chart repository/i,
  /path .* not found/i,
  /YAML parse error/i,
  /unable to build kubernetes objects/i,
  /is invalid:/i,
  /chart requires kubeVersion/i,
  /execution error at/i,
  /parse error at/i,
  /template: .*: /i,
  /failed parsing --set/i,
  /cannot be imported into the current release/i,
];

/**
 * Turns a failed helm run into a classified failure; the message keeps Helm's last words, never argv, with the
 * install's value strings and anything credential-like redacted (a chart's `fail` may quote a password).
 */
export function classifyHelmError(
  what: string,
  cluster: string,
  stderr: string,
  install?: Pick<HelmInstall, 'values' | 'setValues'>,
): ApplicationFailure {
  const lastLines = redactHelmText(stderr.trim().split('\n').slice(-3).join(' | '), install).slice(0, 600);
  const message = `helm ${what} on ${cluster} failed: ${lastLines || 'no output'}`;
  if (UNREACHABLE.some((p) => p.test(stderr))) return ApplicationFailure.retryable(message, FailureType.Unreachable);
  if (REJECTED.some((p) => p.test(stderr)))
    return ApplicationFailure.nonRetryable(message, FailureType.InstallRejected);
  return ApplicationFailure.retryable(message, FailureType.HelmFailed);
}
