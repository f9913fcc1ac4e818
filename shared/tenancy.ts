// Who may use what: the rules that keep one tenant (a namespace of Integrations and IntegrationTargets) from
// reaching another's credentials. Pure, so the spec validator, the workflows and a controller can all call them.
import type { CredentialRef } from './types.js';

/** A Secret is a kubeconfig ksit may read only when it carries this label with the value "true". */
export const KUBECONFIG_SECRET_LABEL = 'ksit.io/kubeconfig';

/**
 * Why a target in `targetNamespace` may not use `credentials`, or undefined when it may: a kubeconfig Secret must
 * live in the target's own namespace, so that writing a target never reaches another namespace's Secrets.
 */
export function credentialTenancyProblem(targetNamespace: string, credentials: CredentialRef): string | undefined {
  if (credentials.kind === 'secret' && credentials.namespace !== targetNamespace) {
    return (
      `the kubeconfig Secret must be in the target's own namespace "${targetNamespace}", not ` +
      `"${credentials.namespace}" (a target may only use its own namespace's Secrets)`
    );
  }
  return undefined;
}

/** Why an Integration in `integrationNamespace` may not use a target of `targetNamespace`, or undefined. */
export function targetTenancyProblem(integrationNamespace: string, targetNamespace: string): string | undefined {
  return integrationNamespace === targetNamespace
    ? undefined
    : `target of namespace "${targetNamespace}" is not usable by an Integration of namespace "${integrationNamespace}"`;
}
