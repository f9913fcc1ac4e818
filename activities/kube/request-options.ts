import type { ConfigurationOptions, RequestContext, ResponseContext } from '@kubernetes/client-node';

/**
 * Per-call options giving a request a deadline: without one, a frozen API server would hold a check (and the
 * monitor behind it) forever instead of letting it be reported Unreachable.
 */
export function withTimeout(ms: number): ConfigurationOptions {
  return {
    middleware: [
      {
        pre: (ctx: RequestContext) => {
          ctx.setSignal(AbortSignal.timeout(ms));
          return Promise.resolve(ctx);
        },
        post: (res: ResponseContext) => Promise.resolve(res),
      },
    ],
    middlewareMergeStrategy: 'append',
  } as unknown as ConfigurationOptions;
}
