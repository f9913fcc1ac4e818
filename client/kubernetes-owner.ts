// One source of truth: an Integration or IntegrationTarget created from a Kubernetes object is owned by that
// object, and the CLI must not change its workflow behind the object's back. Every CLI verb that changes something
// asks here first and, for an owned object, refuses with the kubectl command that does the same through the object.
import type { Client } from '@temporalio/client';
import type { IntegrationSpec, KubernetesOwner, TargetSpec } from '../shared/types.js';
import { integrationSpecQuery } from '../workflows/definitions.js';
import { KsitError } from './errors.js';
import { askWorker } from './status-list.js';

type Handle = ReturnType<Client['workflow']['getHandle']>;

/** The annotation whose (new) timestamp asks the controller for a reinstall, like Flux's requestedAt. */
export const REINSTALL_ANNOTATION = 'ksit.io/reinstall-requested-at';

export type OwnedAction = 'apply' | 'pause' | 'resume' | 'reinstall' | 'delete' | 'delete-uninstall';

/** The kubectl command that does `action` through the owning object. */
export function kubectlFor(
  action: OwnedAction,
  kind: KubernetesOwner['kind'],
  namespace: string,
  name: string,
): string {
  const resource = kind === 'Integration' ? 'integration' : 'integrationtarget';
  const object = `${resource}/${name} -n ${namespace}`;
  switch (action) {
    case 'apply':
      return `kubectl apply -f FILE   (edit the ${kind} object: kubectl edit ${object})`;
    case 'pause':
      return `kubectl patch ${object} --type merge -p '{"spec":{"suspend":true}}'`;
    case 'resume':
      return `kubectl patch ${object} --type merge -p '{"spec":{"suspend":false}}'`;
    case 'reinstall':
      return `kubectl annotate ${object} --overwrite ${REINSTALL_ANNOTATION}="$(date -u +%Y-%m-%dT%H:%M:%SZ)"`;
    case 'delete':
      return `kubectl delete ${object}`;
    case 'delete-uninstall':
      return (
        `kubectl patch ${object} --type merge -p '{"spec":{"deletionPolicy":"Uninstall"}}' && ` +
        `kubectl delete ${object}`
      );
  }
}

export function ownedRefusal(action: OwnedAction, owner: KubernetesOwner, namespace: string, name: string): KsitError {
  const what = owner.kind === 'Integration' ? 'integration' : 'target';
  return new KsitError(
    `${what} ${namespace}/${name} is owned by its Kubernetes ${owner.kind} object (uid ${owner.uid}); ` +
      `change it there, not with ksit: ${kubectlFor(action, owner.kind, namespace, name)}`,
  );
}

/** The owner of a running Integration workflow, from its spec query (answered from workflow state). */
export async function integrationOwner(handle: Handle): Promise<KubernetesOwner | undefined> {
  const spec: IntegrationSpec = await askWorker(handle.query(integrationSpecQuery));
  return spec.managedBy;
}

/** The owner of a running target workflow, from its memo (the target spec, references only). */
export async function targetOwner(handle: Handle): Promise<KubernetesOwner | undefined> {
  const description = await handle.describe();
  return ((await description.memo)?.target as TargetSpec | undefined)?.managedBy;
}

/** Throws the refusal when the workflow behind `handle` is owned by a Kubernetes object. */
export async function refuseIfOwned(
  handle: Handle,
  kind: 'integration' | 'target',
  action: OwnedAction,
  namespace: string,
  name: string,
): Promise<void> {
  const owner = kind === 'integration' ? await integrationOwner(handle) : await targetOwner(handle);
  if (owner) throw ownedRefusal(action, owner, namespace, name);
}
