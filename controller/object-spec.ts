// A Kubernetes object -> the normalized spec its workflow runs, validated by the same schemas as `ksit validate`
// (so a Stalled condition carries the message `ksit validate` prints), stamped with its owner.
import { fieldPath, validateDocument } from '../shared/spec/index.js';
import type { IntegrationSpec, TargetSpec } from '../shared/types.js';
import type { KsitObject } from './kube-objects.js';

export type ObjectSpec<T> = { ok: true; spec: T } | { ok: false; message: string };

/** The parts of the object that are the user's: server-set metadata and status play no part in validation. */
function documentOf(obj: KsitObject): Record<string, unknown> {
  const { name, namespace, labels, annotations } = obj.metadata;
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    metadata: { name, namespace, ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) },
    spec: obj.spec,
  };
}

function validated(obj: KsitObject): ObjectSpec<IntegrationSpec | TargetSpec> {
  const result = validateDocument(documentOf(obj));
  if (!result.ok) {
    const message = result.problems.map((p) => `${fieldPath(p.path) || '(document)'}: ${p.message}`).join('; ');
    return { ok: false, message };
  }
  const owner = { kind: obj.kind as 'Integration', uid: obj.metadata.uid, generation: obj.metadata.generation ?? 0 };
  return { ok: true, spec: { ...result.document.spec, managedBy: owner } };
}

export function integrationSpecOf(obj: KsitObject): ObjectSpec<IntegrationSpec> {
  return validated(obj) as ObjectSpec<IntegrationSpec>;
}

export function targetSpecOf(obj: KsitObject): ObjectSpec<TargetSpec> {
  const result = validated(obj) as ObjectSpec<TargetSpec>;
  if (result.ok) result.spec.managedBy = { ...result.spec.managedBy!, kind: 'IntegrationTarget' };
  return result;
}
