// What the controller knows between a reconcile and the next status write, per object uid: the generation its
// workflow accepted (and when), or why its spec was refused. Rebuilt after a restart by reconciling every object
// once (an unchanged spec is accepted again at once, with no work on the clusters).
import type { Accepted } from './integration-status.js';

export class ControllerState {
  readonly accepted = new Map<string, Accepted>();
  /** The message `ksit validate` prints for the object's spec. */
  readonly invalid = new Map<string, string>();
  /** The workflow's validator refused the spec, or the object names what it may not use. */
  readonly refused = new Map<string, string>();

  forget(uid: string): void {
    this.accepted.delete(uid);
    this.invalid.delete(uid);
    this.refused.delete(uid);
  }
}

export const FINALIZER = 'ksit.io/finalizer';

export function keyOf(obj: { metadata: { namespace: string; name: string } }): string {
  return `${obj.metadata.namespace}/${obj.metadata.name}`;
}

export function splitKey(key: string): { namespace: string; name: string } {
  const [namespace = '', name = ''] = key.split('/');
  return { namespace, name };
}
