// Temporal's remote codec protocol over HTTP, so the Web UI and `temporal workflow show --codec-endpoint` can read
// encrypted history: POST .../encode and .../decode take and return {"payloads": [...]} in proto3 JSON (bytes as
// base64). Anyone who reaches it can decrypt, hence the optional bearer token and the CORS origin allow-list.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import { PayloadDecryptionError } from '../shared/codec/encryption-codec.js';

const Payloads = proto.temporal.api.common.v1.Payloads;

export interface CodecServerOptions {
  codec: PayloadCodec;
  /** Browser origins allowed to call (e.g. the Web UI's http://127.0.0.1:8233); '*' allows any. */
  corsOrigins: string[];
  /** When set, every request must carry `Authorization: Bearer <token>`. */
  authToken?: string;
  maxBodyBytes?: number;
  onError?: (err: Error) => void;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function createCodecServer(options: CodecServerOptions): Server {
  const maxBodyBytes = options.maxBodyBytes ?? 16 * 1024 * 1024;
  const tokenDigest = options.authToken === undefined ? undefined : sha256(options.authToken);

  return createServer((req, res) => {
    allowCors(req, res, options.corsOrigins);
    // A preflight never carries credentials: answer it before the token check, or browsers cannot call at all.
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    handle(req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : err instanceof PayloadDecryptionError ? 422 : 500;
      if (status === 500) options.onError?.(err as Error);
      reply(res, status, { error: status === 500 ? 'internal error' : (err as Error).message });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // The CLI templates the endpoint as .../{namespace}/decode; the Web UI calls <endpoint>/decode.
    const op = /\/(encode|decode)\/?$/.exec(new URL(req.url ?? '/', 'http://codec').pathname)?.[1];
    if (!op) throw new HttpError(404, 'not found: POST /encode or /decode');
    if (req.method !== 'POST') throw new HttpError(405, `${req.method} not allowed: use POST`);
    if (tokenDigest && !bearerMatches(req.headers.authorization, tokenDigest)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      throw new HttpError(401, 'missing or wrong bearer token');
    }
    const payloads = parsePayloads(await readBody(req, maxBodyBytes));
    const out = op === 'encode' ? await options.codec.encode(payloads) : await options.codec.decode(payloads);
    reply(res, 200, Payloads.toObject(Payloads.create({ payloads: out }), { bytes: String }));
  }
}

function allowCors(req: IncomingMessage, res: ServerResponse, allowed: string[]): void {
  const origin = req.headers.origin;
  if (!origin || !(allowed.includes('*') || allowed.includes(origin))) return;
  res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Vary', 'Origin');
  res.setHeader('Access-Control-Allow-Credentials', 'true');
  res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
  res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Namespace, Authorization');
  res.setHeader('Access-Control-Max-Age', '600');
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/** Compares digests in constant time, so the response time does not leak how much of a guess was right. */
function bearerMatches(header: string | undefined, tokenDigest: Buffer): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return m !== null && timingSafeEqual(sha256(m[1]!.trim()), tokenDigest);
}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, `request body over ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parsePayloads(body: string) {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new HttpError(400, 'the body is not JSON: expected {"payloads": [...]}');
  }
  if (typeof json !== 'object' || json === null || !Array.isArray((json as { payloads?: unknown }).payloads))
    throw new HttpError(400, 'expected {"payloads": [...]}');
  try {
    return Payloads.fromObject(json).payloads;
  } catch (err) {
    throw new HttpError(400, `invalid payloads: ${(err as Error).message}`);
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}
