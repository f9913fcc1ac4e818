import {
  Observable,
  type ConfigurationOptions,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';

/**
 * Per-call options giving a request a deadline: without one, a frozen API server would hold a check (and the
 * monitor behind it) forever instead of letting it be reported Unreachable. Per-call middleware must be the
 * Observable kind (client-node calls `.toPromise()` on what it returns).
 */
export function withTimeout(ms: number): ConfigurationOptions {
  return {
    middleware: [
      {
        pre: (ctx: RequestContext) => {
          ctx.setSignal(AbortSignal.timeout(ms));
          return new Observable(Promise.resolve(ctx));
        },
        post: (res: ResponseContext) => new Observable(Promise.resolve(res)),
      },
    ],
    middlewareMergeStrategy: 'append',
  };
}

/**
 * Asks the API server for metadata only (PartialObjectMetadataList): list calls that need labels and names, not
 * the objects' contents (a Secret's data), get none of it over the wire.
 */
export function metadataOnly(options: ConfigurationOptions): ConfigurationOptions {
  return {
    ...options,
    middleware: [
      ...(options.middleware ?? []),
      {
        pre: (ctx: RequestContext) => {
          ctx.setHeaderParam('Accept', 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1');
          return new Observable(Promise.resolve(ctx));
        },
        post: (res: ResponseContext) => new Observable(Promise.resolve(res)),
      },
    ],
  };
}
