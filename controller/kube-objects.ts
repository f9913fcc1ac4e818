// The control cluster as the controller sees it: informers on the two kinds, status and finalizer patches, Events
// and Leases. Everything goes through CustomObjectsApi with plain JSON bodies (a path per group/version/plural),
// which also keeps Kubernetes' MicroTime fields (Lease, Event) in the exact text form the API server parses.
import {
  CustomObjectsApi,
  KubeConfig,
  makeInformer,
  PatchStrategy,
  setHeaderOptions,
  type Informer,
  type KubernetesObject,
  type ObjectCache,
} from '@kubernetes/client-node';
import { GROUP, VERSION, type KindNames } from './crd/crd-manifests.js';

export interface KsitObject extends KubernetesObject {
  metadata: NonNullable<KubernetesObject['metadata']> & { name: string; namespace: string; uid: string };
  spec: Record<string, unknown>;
  status?: Record<string, unknown>;
}

/** Kubernetes MicroTime: RFC 3339 with exactly six fractional digits (Date#toISOString has three). */
export function microTime(date = new Date()): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** The API server's HTTP status of a failed request, when it has one. */
export function httpStatus(err: unknown): number | undefined {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'number' ? code : undefined;
}

const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

export class KubeObjects {
  readonly custom: CustomObjectsApi;
  constructor(readonly kc: KubeConfig) {
    this.custom = kc.makeApiClient(CustomObjectsApi);
  }

  informer(names: KindNames): Informer<KsitObject> & ObjectCache<KsitObject> {
    const { plural } = names;
    return makeInformer<KsitObject>(this.kc, `/apis/${GROUP}/${VERSION}/${plural}`, () =>
      this.custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural }),
    );
  }

  get(names: KindNames, namespace: string, name: string): Promise<KsitObject> {
    return this.custom.getNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      plural: names.plural,
      namespace,
      name,
    });
  }

  patchStatus(names: KindNames, obj: KsitObject, status: Record<string, unknown>): Promise<KsitObject> {
    const { namespace, name } = obj.metadata;
    return this.custom.patchNamespacedCustomObjectStatus(
      { group: GROUP, version: VERSION, plural: names.plural, namespace, name, body: { status } },
      MERGE_PATCH,
    );
  }

  /** Replaces metadata.finalizers, guarded by resourceVersion so that a concurrent change is not overwritten. */
  setFinalizers(names: KindNames, obj: KsitObject, finalizers: string[]): Promise<KsitObject> {
    const { namespace, name, resourceVersion } = obj.metadata;
    return this.custom.patchNamespacedCustomObject(
      {
        group: GROUP,
        version: VERSION,
        plural: names.plural,
        namespace,
        name,
        body: { metadata: { finalizers, resourceVersion } },
      },
      MERGE_PATCH,
    );
  }

  /** A Kubernetes Event (events.k8s.io/v1) about `obj`: what `kubectl describe` and `kubectl events` show. */
  async event(
    obj: KsitObject,
    type: 'Normal' | 'Warning',
    reason: string,
    note: string,
    instance: string,
  ): Promise<void> {
    const { namespace, name, uid } = obj.metadata;
    const body = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { generateName: `${name}-`, namespace },
      eventTime: microTime(),
      reportingController: 'ksit.io/controller',
      reportingInstance: instance.slice(0, 128),
      action: reason,
      reason,
      note: note.slice(0, 1024),
      type,
      regarding: { apiVersion: obj.apiVersion, kind: obj.kind, namespace, name, uid },
    };
    await this.custom.createNamespacedCustomObject({
      group: 'events.k8s.io',
      version: 'v1',
      namespace,
      plural: 'events',
      body,
    });
  }
}
