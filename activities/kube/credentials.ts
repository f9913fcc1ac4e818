import { readFile, stat } from 'node:fs/promises';
import type { CoreV1Api } from '@kubernetes/client-node';
import { ApplicationFailure } from '@temporalio/common';
import type { CredentialRef } from '../../shared/types.js';
import { classifyKubeError, FailureType, httpStatus } from '../errors.js';

/** A kubeconfig's text plus a token that changes whenever the text may have changed. */
export interface ResolvedKubeconfig {
  yaml: string;
  revision: string;
  context?: string;
}

export function credentialKey(ref: CredentialRef): string {
  return ref.kind === 'secret'
    ? `secret:${ref.namespace}/${ref.name}#${ref.key}`
    : `file:${ref.path}@${ref.context ?? ''}`;
}

/** Reads the kubeconfig a reference points at. Errors name the reference, never its content. */
export async function resolveKubeconfig(ref: CredentialRef, control: () => CoreV1Api): Promise<ResolvedKubeconfig> {
  if (ref.kind === 'file') {
    try {
      const info = await stat(ref.path);
      return { yaml: await readFile(ref.path, 'utf8'), revision: `${info.mtimeMs}:${info.size}`, context: ref.context };
    } catch (err) {
      throw ApplicationFailure.nonRetryable(
        `kubeconfig file ${ref.path} cannot be read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
        FailureType.BadCredentials,
      );
    }
  }
  let secret;
  try {
    secret = await control().readNamespacedSecret({ name: ref.name, namespace: ref.namespace });
  } catch (err) {
    if (httpStatus(err) === 404) {
      throw ApplicationFailure.nonRetryable(
        `kubeconfig Secret ${ref.namespace}/${ref.name} not found in the control cluster`,
        FailureType.BadCredentials,
      );
    }
    throw classifyKubeError(err, 'control', `reading Secret ${ref.namespace}/${ref.name}`);
  }
  const data = secret.data?.[ref.key];
  if (!data) {
    throw ApplicationFailure.nonRetryable(
      `kubeconfig Secret ${ref.namespace}/${ref.name} has no key "${ref.key}"`,
      FailureType.BadCredentials,
    );
  }
  return { yaml: Buffer.from(data, 'base64').toString('utf8'), revision: secret.metadata?.resourceVersion ?? '' };
}
