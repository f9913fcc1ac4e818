import { readFile } from 'node:fs/promises';
import type { TLSConfig } from '@temporalio/client';
import type { WorkerConfig } from './config.js';

/** What both the worker's NativeConnection and the client's Connection take to reach the frontend. */
export interface TemporalConnectionOptions {
  address: string;
  tls?: TLSConfig | false;
  apiKey?: string;
}

type ConnectionConfig = Pick<
  WorkerConfig,
  | 'TEMPORAL_ADDRESS'
  | 'TEMPORAL_API_KEY'
  | 'TEMPORAL_TLS'
  | 'TEMPORAL_TLS_CLIENT_CERT_PATH'
  | 'TEMPORAL_TLS_CLIENT_KEY_PATH'
  | 'TEMPORAL_TLS_SERVER_CA_CERT_PATH'
  | 'TEMPORAL_TLS_SERVER_NAME'
>;

/**
 * Plain text by default (the local dev server); TLS as soon as anything asks for it: TEMPORAL_TLS=true, a client
 * certificate (mTLS), a server CA or name, or an API key (a bearer token is not sent in the clear).
 * TEMPORAL_TLS=false with an API key keeps plain text, for a TLS-terminating sidecar on localhost.
 * Certificates are read once, here: rotating them means restarting the pods (a Deployment rollout).
 */
export async function temporalConnectionOptions(
  config: ConnectionConfig,
  read: (path: string) => Promise<Buffer> = (p) => readFile(p),
): Promise<TemporalConnectionOptions> {
  const cert = config.TEMPORAL_TLS_CLIENT_CERT_PATH;
  const key = config.TEMPORAL_TLS_CLIENT_KEY_PATH;
  if (!cert !== !key) {
    throw new Error('set both TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH, or neither');
  }
  const ca = config.TEMPORAL_TLS_SERVER_CA_CERT_PATH;
  const serverName = config.TEMPORAL_TLS_SERVER_NAME;
  const tlsSettings = !!(cert || ca || serverName);
  if (config.TEMPORAL_TLS === false && tlsSettings) {
    throw new Error('TEMPORAL_TLS=false contradicts the TEMPORAL_TLS_* settings that are set');
  }
  const base = {
    address: config.TEMPORAL_ADDRESS,
    ...(config.TEMPORAL_API_KEY && { apiKey: config.TEMPORAL_API_KEY }),
  };
  const wantTls = config.TEMPORAL_TLS ?? (tlsSettings || !!config.TEMPORAL_API_KEY);
  if (!wantTls) return config.TEMPORAL_API_KEY ? { ...base, tls: false } : base;

  const readPem = async (what: string, path: string) => {
    try {
      return await read(path);
    } catch (err) {
      throw new Error(`cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  };
  const tls: TLSConfig = {};
  if (serverName) tls.serverNameOverride = serverName;
  if (ca) tls.serverRootCACertificate = await readPem('TEMPORAL_TLS_SERVER_CA_CERT_PATH', ca);
  if (cert && key) {
    tls.clientCertPair = {
      crt: await readPem('TEMPORAL_TLS_CLIENT_CERT_PATH', cert),
      key: await readPem('TEMPORAL_TLS_CLIENT_KEY_PATH', key),
    };
  }
  return { ...base, tls };
}
