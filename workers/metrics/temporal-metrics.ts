import { createServer } from 'node:net';
import type { Logger } from 'pino';

/** A free TCP port on the loopback interface, for the Temporal SDK's own Prometheus exporter. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * Reads the Temporal Core SDK's runtime metrics (prefix `temporal_`) from its exporter, bound on loopback only, so
 * that the worker's one /metrics shows them next to ksit's. A failed read costs those lines for one scrape, never
 * the scrape itself: ksit's own metrics still go out, with a comment saying what is missing.
 */
export function temporalMetricsReader(port: number, log: Logger): () => Promise<string> {
  const url = `http://127.0.0.1:${port}/metrics`;
  return async () => {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (!res.ok) throw new Error(`answered ${res.status}`);
      return await res.text();
    } catch (err) {
      log.warn({ err, url }, 'cannot read the Temporal SDK metrics');
      const why = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ');
      return `# Temporal SDK metrics unavailable: ${why}\n`;
    }
  };
}
