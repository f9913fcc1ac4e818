import { describe, expect, it } from '@jest/globals';
import { loadWorkerConfig } from '../../../workers/config.js';
import { temporalConnectionOptions } from '../../../workers/temporal-connection.js';

// Files are read through an injected reader: each path reads back as its own name, so the test sees which file
// ended up in which TLS field.
const files = async (path: string) => {
  if (path.includes('missing')) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
  return Buffer.from(`pem:${path}`);
};
const options = (env: Record<string, string>) => temporalConnectionOptions(loadWorkerConfig(env), files);
const text = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString() : undefined);

describe('worker config: Temporal connection security', () => {
  it('defaults to plain text on the local dev server', async () => {
    const config = loadWorkerConfig({});
    expect(config.TEMPORAL_ADDRESS).toBe('127.0.0.1:7233');
    expect(config.TEMPORAL_TLS).toBeUndefined();
    expect(await options({})).toEqual({ address: '127.0.0.1:7233' });
  });

  it('mTLS: client certificate pair, server CA and server name from mounted files', async () => {
    const o = await options({
      TEMPORAL_ADDRESS: 'temporal.example:7233',
      TEMPORAL_TLS_CLIENT_CERT_PATH: '/etc/ksit/temporal-tls/tls.crt',
      TEMPORAL_TLS_CLIENT_KEY_PATH: '/etc/ksit/temporal-tls/tls.key',
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: '/etc/ksit/temporal-tls/ca.crt',
      TEMPORAL_TLS_SERVER_NAME: 'frontend.temporal',
    });
    expect(o.address).toBe('temporal.example:7233');
    expect(o.apiKey).toBeUndefined();
    const tls = o.tls === false ? undefined : o.tls;
    expect(tls?.serverNameOverride).toBe('frontend.temporal');
    expect(text(tls?.serverRootCACertificate)).toBe('pem:/etc/ksit/temporal-tls/ca.crt');
    expect(text(tls?.clientCertPair?.crt)).toBe('pem:/etc/ksit/temporal-tls/tls.crt');
    expect(text(tls?.clientCertPair?.key)).toBe('pem:/etc/ksit/temporal-tls/tls.key');
  });

  it('an API key turns TLS on (system roots) and is passed as the bearer key', async () => {
    expect(await options({ TEMPORAL_API_KEY: 'k-123', TEMPORAL_ADDRESS: 'ns.tmprl.cloud:7233' })).toEqual({
      address: 'ns.tmprl.cloud:7233',
      apiKey: 'k-123',
      tls: {},
    });
  });

  it('TEMPORAL_TLS=false keeps an API key in plain text (TLS-terminating sidecar); TEMPORAL_TLS=true alone is TLS', async () => {
    expect(await options({ TEMPORAL_API_KEY: 'k', TEMPORAL_TLS: 'false' })).toEqual({
      address: '127.0.0.1:7233',
      apiKey: 'k',
      tls: false,
    });
    expect(await options({ TEMPORAL_TLS: 'true' })).toEqual({ address: '127.0.0.1:7233', tls: {} });
    expect(await options({ TEMPORAL_TLS: '1' })).toEqual({ address: '127.0.0.1:7233', tls: {} });
  });

  it('rejects half a certificate pair, contradictions, bad booleans and unreadable files, naming the variable', async () => {
    await expect(options({ TEMPORAL_TLS_CLIENT_CERT_PATH: '/c' })).rejects.toThrow(
      'set both TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH',
    );
    await expect(options({ TEMPORAL_TLS: 'false', TEMPORAL_TLS_SERVER_CA_CERT_PATH: '/ca' })).rejects.toThrow(
      'TEMPORAL_TLS=false contradicts',
    );
    expect(() => loadWorkerConfig({ TEMPORAL_TLS: 'maybe' })).toThrow(/TEMPORAL_TLS/);
    expect(() => loadWorkerConfig({ TEMPORAL_API_KEY: '' })).toThrow(/TEMPORAL_API_KEY/);
    await expect(options({ TEMPORAL_TLS_SERVER_CA_CERT_PATH: '/missing/ca.crt' })).rejects.toThrow(
      'cannot read TEMPORAL_TLS_SERVER_CA_CERT_PATH /missing/ca.crt: ENOENT',
    );
  });

  it('the API key never appears in an error message', async () => {
    let message = '';
    try {
      await options({ TEMPORAL_API_KEY: 'secret-key-value', TEMPORAL_TLS_CLIENT_KEY_PATH: '/k' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('TEMPORAL_TLS_CLIENT_CERT_PATH');
    expect(message).not.toContain('secret-key-value');
  });
});
