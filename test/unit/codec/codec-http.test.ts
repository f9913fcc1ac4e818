// The codec endpoint on a real loopback socket: the protocol the Web UI and the CLI speak, CORS and the token.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EncryptionCodec } from '../../../shared/codec/encryption-codec.js';
import type { Keyring } from '../../../shared/codec/keyring.js';
import { createCodecServer } from '../../../workers/codec-http.js';

const TOKEN = 'test-token-0123456789';
const UI = 'http://127.0.0.1:8233';
const b64 = (s: string) => Buffer.from(s).toString('base64');
const plain = { metadata: { encoding: b64('json/plain') }, data: b64('{"password":"hunter2"}') };

let server: Server;
let base: string;
beforeAll(async () => {
  server = createCodecServer({
    codec: new EncryptionCodec([{ id: 'k1', key: randomBytes(32) }] as Keyring),
    corsOrigins: [UI],
    authToken: TOKEN,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const post = (path: string, body: unknown, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-namespace': 'default', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('codec endpoint', () => {
  it('encodes and decodes proto3 JSON payloads, also under a /{namespace}/ prefix as the CLI templates it', async () => {
    const encoded = (await (await post('/encode', { payloads: [plain] })).json()) as { payloads: (typeof plain)[] };
    expect(Buffer.from(encoded.payloads[0]!.metadata.encoding, 'base64').toString()).toBe('binary/encrypted');
    expect(Buffer.from(encoded.payloads[0]!.data, 'base64').toString()).not.toContain('hunter2');
    const res = await post('/default/decode', encoded);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ payloads: [plain] });
  });

  it('refuses a missing or wrong bearer token with 401', async () => {
    const none = await post('/decode', { payloads: [plain] }, {});
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect((await post('/decode', { payloads: [plain] }, { authorization: 'Bearer wrong' })).status).toBe(401);
  });

  it('answers the preflight of an allowed origin without a token, and gives other origins no CORS headers', async () => {
    const ok = await fetch(`${base}/decode`, {
      method: 'OPTIONS',
      headers: { origin: UI, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-namespace' },
    });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(UI);
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/X-Namespace/);
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
    const other = await fetch(`${base}/decode`, { method: 'OPTIONS', headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const actual = await post('/decode', { payloads: [] }, { authorization: `Bearer ${TOKEN}`, origin: UI });
    expect(actual.headers.get('access-control-allow-origin')).toBe(UI);
  });

  it('says what is wrong with a bad request', async () => {
    expect((await fetch(`${base}/decode`)).status).toBe(405);
    expect((await post('/metrics', {})).status).toBe(404);
    const notJson = await post('/decode', '{payloads');
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toEqual({ error: 'the body is not JSON: expected {"payloads": [...]}' });
    expect((await post('/decode', { items: [] })).status).toBe(400);
  });

  it('answers 422 naming the key id when a payload was encrypted with a key it does not have', async () => {
    const other = new EncryptionCodec([{ id: 'retired', key: randomBytes(32) }] as Keyring);
    const [sealed] = await other.encode([
      { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('1') },
    ]);
    const res = await post('/decode', {
      payloads: [
        {
          metadata: Object.fromEntries(
            Object.entries(sealed!.metadata!).map(([k, v]) => [k, Buffer.from(v!).toString('base64')]),
          ),
          data: Buffer.from(sealed!.data!).toString('base64'),
        },
      ],
    });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: string }).error).toMatch(/key id "retired", which is not in the keyring/);
  });
});
