import { KubeConfig, type RequestContext } from '@kubernetes/client-node';

type Dispatcher = ReturnType<RequestContext['getDispatcher']>;

/**
 * A KubeConfig whose API clients share one connection pool. client-node 2.x gives every request a new undici
 * Agent, so each call opened its own TLS connection and paid a full handshake on both ends: about three times
 * the CPU of the call itself, the limit of how many monitors one worker can check (BENCHMARKS.md). The first
 * request's Agent is kept and every later request of this cluster goes through it, reusing keep-alive
 * connections. Credentials still apply per request (headers, tokens); new credentials mean a new KubeConfig.
 */
/** Requests (reads, writes, watches) this process sent to Kubernetes API servers, for ksit_kube_requests_total. */
export const kubeRequests = { total: 0 };

export class PooledKubeConfig extends KubeConfig {
  private pool: Dispatcher;

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    kubeRequests.total++;
    await super.applySecurityAuthentication(context);
    this.pool ??= context.getDispatcher();
    if (this.pool) context.setDispatcher(this.pool);
  }
}
