import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

export interface Readiness {
  ready: boolean;
  /** Why not ready (or what ready means), for whoever reads the probe's body. */
  reason: string;
}

export interface HttpServerOptions {
  host: string;
  /** 0 picks a free port; the one chosen is in the result and logged. */
  port: number;
  registry: Registry;
  readiness: () => Readiness;
  /** Extra Prometheus text appended to /metrics: the Temporal SDK's runtime metrics. */
  extraMetrics?: () => Promise<string>;
  log: Logger;
}

export interface HttpServer {
  port: number;
  close(): Promise<void>;
}

/**
 * The worker's operational endpoint: /healthz (the process answers, so its event loop turns), /readyz (the worker
 * is polling its task queue) and /metrics (Prometheus text: ksit's metrics, then Temporal's).
 */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const server = createServer((req, res) => {
    handle(options, req, res).catch((err: unknown) => {
      options.log.error({ err, path: req.url }, 'http handler failed');
      if (!res.headersSent) send(res, 500, 'internal error\n');
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  options.log.info({ host: options.host, port }, 'http endpoint listening (/healthz, /readyz, /metrics)');
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(options: HttpServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'use GET\n');
  const path = new URL(req.url ?? '/', 'http://worker').pathname;
  switch (path) {
    case '/healthz':
      return send(res, 200, 'ok\n');
    case '/readyz': {
      const { ready, reason } = options.readiness();
      return send(res, ready ? 200 : 503, `${reason}\n`);
    }
    case '/metrics': {
      const own = await options.registry.metrics();
      const extra = options.extraMetrics ? await options.extraMetrics() : '';
      return send(res, 200, extra ? `${own.trimEnd()}\n${extra}` : own, options.registry.contentType);
    }
    default:
      return send(res, 404, 'not found: try /healthz, /readyz or /metrics\n');
  }
}

function send(res: ServerResponse, status: number, body: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  res.end(body);
}
