// The worker's HTTP endpoint on a loopback port: probe answers from the readiness function, /metrics from a
// registry plus the appended Temporal text.
import { afterEach, describe, expect, it } from '@jest/globals';
import pino from 'pino';
import { startHttpServer, type HttpServer, type Readiness } from '../../../workers/http-server.js';
import { createKsitMetrics } from '../../../workers/metrics/registry.js';

let server: HttpServer | undefined;
afterEach(() => server?.close());

async function serve(readiness: () => Readiness, extra?: () => Promise<string>) {
  const metrics = createKsitMetrics();
  metrics.workerInfo.set({ version: '1.2.3', task_queue: 'q' }, 1);
  server = await startHttpServer({
    host: '127.0.0.1',
    port: 0,
    registry: metrics.registry,
    readiness,
    extraMetrics: extra,
    log: pino({ level: 'silent' }),
  });
  const base = `http://127.0.0.1:${server.port}`;
  return async (path: string) => {
    const res = await fetch(base + path);
    return { status: res.status, body: await res.text(), type: res.headers.get('content-type') };
  };
}

describe('worker HTTP endpoint', () => {
  it('picks a free port for 0', async () => {
    await serve(() => ({ ready: true, reason: 'x' }));
    expect(server?.port).toBeGreaterThan(0);
  });

  it('answers /healthz while not ready, and /readyz 503 with the reason until ready', async () => {
    let state: Readiness = { ready: false, reason: 'shutting down (worker DRAINING)' };
    const get = await serve(() => state);
    expect((await get('/healthz')).status).toBe(200);
    expect(await get('/readyz')).toMatchObject({ status: 503, body: 'shutting down (worker DRAINING)\n' });
    state = { ready: true, reason: 'polling task queue q' };
    expect(await get('/readyz')).toMatchObject({ status: 200, body: 'polling task queue q\n' });
  });

  it('serves ksit metrics then the Temporal text in Prometheus format', async () => {
    const get = await serve(
      () => ({ ready: true, reason: '' }),
      async () => '# TYPE temporal_request counter\ntemporal_request{operation="Poll"} 3\n',
    );
    const { status, body, type } = await get('/metrics');
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/plain; version=0.0.4/);
    expect(body).toMatch(/^ksit_worker_info\{version="1.2.3",task_queue="q"\} 1$/m);
    expect(body).toMatch(/^temporal_request\{operation="Poll"\} 3$/m);
    expect(body.indexOf('ksit_worker_info')).toBeLessThan(body.indexOf('temporal_request'));
  });

  it('says what it serves on an unknown path', async () => {
    const get = await serve(() => ({ ready: true, reason: '' }));
    expect(await get('/nope')).toMatchObject({ status: 404, body: expect.stringContaining('/metrics') });
  });
});
