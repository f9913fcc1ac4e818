import { open } from 'node:fs/promises';
import type { CoreV1Api } from '@kubernetes/client-node';
import { ApplicationFailure } from '@temporalio/common';
import { KUBECONFIG_SECRET_LABEL } from '../../shared/tenancy.js';
import type { CredentialRef } from '../../shared/types.js';
import { classifyKubeError, FailureType, httpStatus } from '../errors.js';
import {
  allowedKubeconfigPath,
  isReservedSecret,
  KUBECONFIG_DIRS_SETTING,
  STRICT_CREDENTIALS,
  type CredentialPolicy,
} from './credential-policy.js';
import { checkKubeconfig } from './kubeconfig-policy.js';

/** A checked kubeconfig's text plus a token that changes whenever the text may have changed. */
export interface ResolvedKubeconfig {
  yaml: string;
  revision: string;
  context?: string;
}

/** No kubeconfig is this big; a bigger file or Secret is someone filling the worker's memory. */
const MAX_KUBECONFIG_BYTES = 1024 * 1024;

export function credentialKey(ref: CredentialRef): string {
  return ref.kind === 'secret'
    ? `secret:${ref.namespace}/${ref.name}#${ref.key}`
    : `file:${ref.path}@${ref.context ?? ''}`;
}

/**
 * Reads the kubeconfig a reference points at and checks it (kubeconfig-policy.ts) before anything uses it. Errors
 * name the reference, never its content, and say the same whether a file is missing, unreadable or not allowed.
 */
export async function resolveKubeconfig(
  ref: CredentialRef,
  control: () => CoreV1Api,
  policy: CredentialPolicy = STRICT_CREDENTIALS,
): Promise<ResolvedKubeconfig> {
  const raw =
    ref.kind === 'file' ? await readKubeconfigFile(ref.path, policy) : await readKubeconfigSecret(ref, control, policy);
  const source = ref.kind === 'file' ? `file ${ref.path}` : `Secret ${ref.namespace}/${ref.name}`;
  const checked = checkKubeconfig(raw.text, ref.kind === 'file' ? ref.context : undefined, source, policy.kubeconfig);
  return { yaml: checked.yaml, revision: raw.revision, context: checked.context };
}

async function readKubeconfigFile(path: string, policy: CredentialPolicy): Promise<{ text: string; revision: string }> {
  const unusable = () =>
    ApplicationFailure.nonRetryable(
      `kubeconfig file ${path} is not usable: it must be a readable kubeconfig file (at most 1 MiB) in a directory ` +
        `the operator allows with ${KUBECONFIG_DIRS_SETTING}`,
      FailureType.BadCredentials,
    );
  const real = await allowedKubeconfigPath(path, policy);
  if (!real) throw unusable();
  try {
    const file = await open(real, 'r');
    try {
      const info = await file.stat();
      if (!info.isFile() || info.size > MAX_KUBECONFIG_BYTES) throw unusable();
      return { text: await file.readFile('utf8'), revision: `${info.mtimeMs}:${info.size}` };
    } finally {
      await file.close();
    }
  } catch (err) {
    if (err instanceof ApplicationFailure) throw err;
    throw unusable();
  }
}

async function readKubeconfigSecret(
  ref: Extract<CredentialRef, { kind: 'secret' }>,
  control: () => CoreV1Api,
  policy: CredentialPolicy,
): Promise<{ text: string; revision: string }> {
  // One message for "absent", "not marked" and "reserved": a target author learns nothing about other Secrets.
  const unusable = () =>
    ApplicationFailure.nonRetryable(
      `kubeconfig Secret ${ref.namespace}/${ref.name} not found in the control cluster, or not marked as a ` +
        `kubeconfig: it needs the label ${KUBECONFIG_SECRET_LABEL}=true`,
      FailureType.BadCredentials,
    );
  if (isReservedSecret(ref.namespace, ref.name, policy)) throw unusable();
  let secret;
  try {
    secret = await control().readNamespacedSecret({ name: ref.name, namespace: ref.namespace });
  } catch (err) {
    if (httpStatus(err) === 404) throw unusable();
    throw classifyKubeError(err, 'control', `reading Secret ${ref.namespace}/${ref.name}`);
  }
  if (secret.metadata?.labels?.[KUBECONFIG_SECRET_LABEL] !== 'true') throw unusable();
  const data = secret.data?.[ref.key];
  if (!data) {
    throw ApplicationFailure.nonRetryable(
      `kubeconfig Secret ${ref.namespace}/${ref.name} has no key "${ref.key}"`,
      FailureType.BadCredentials,
    );
  }
  if (data.length > (MAX_KUBECONFIG_BYTES * 4) / 3 + 4) throw unusable();
  return { text: Buffer.from(data, 'base64').toString('utf8'), revision: secret.metadata?.resourceVersion ?? '' };
}
