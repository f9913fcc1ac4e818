import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { ApplicationFailure, defaultPayloadConverter, type Payload } from '@temporalio/common';
import {
  decodeOptionalFailureToOptionalError,
  encodeErrorToFailure,
  loadDataConverter,
} from '@temporalio/common/lib/internal-non-workflow/index.js';
import proto from '@temporalio/proto';
import { codecFromEnv } from '../../../shared/codec/data-converter.js';
import {
  EncryptionCodec,
  KEY_ID_METADATA,
  MissingKeyCodec,
  PayloadDecryptionError,
} from '../../../shared/codec/encryption-codec.js';
import type { Keyring } from '../../../shared/codec/keyring.js';

const SECRET = 'hunter2-planted-password';
const ring = (...ids: string[]) => ids.map((id) => ({ id, key: randomBytes(32) })) as Keyring;
const payload = (value: unknown) => defaultPayloadConverter.toPayload(value);
const contains = (p: Payload, s: string) =>
  Buffer.from(proto.temporal.api.common.v1.Payload.encode(p).finish()).includes(s);

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

describe('EncryptionCodec', () => {
  it('round-trips payloads, metadata included, and leaves no plaintext in the encoded form', async () => {
    const codec = new EncryptionCodec(ring('k1'));
    const input = [payload({ values: { password: SECRET } }), payload(null), payload('x'.repeat(100_000))];
    const encoded = await codec.encode(input);
    for (const p of encoded) {
      expect(contains(p, SECRET)).toBe(false);
      expect(contains(p, 'json/plain')).toBe(false);
      expect(Buffer.from(p.metadata!.encoding!).toString()).toBe('binary/encrypted');
      expect(Buffer.from(p.metadata![KEY_ID_METADATA]!).toString()).toBe('k1');
    }
    const decoded = await codec.decode(encoded);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([
      { values: { password: SECRET } },
      null,
      'x'.repeat(100_000),
    ]);
  });

  it('uses a fresh IV for every payload: the same value never encrypts the same way twice', async () => {
    const codec = new EncryptionCodec(ring('k1'));
    const [a, b] = await codec.encode([payload(SECRET), payload(SECRET)]);
    expect(Buffer.from(a!.data!).subarray(0, 12).equals(Buffer.from(b!.data!).subarray(0, 12))).toBe(false);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
  });

  it('detects a flipped bit anywhere in the ciphertext, the IV or the tag, and a truncated payload', async () => {
    const codec = new EncryptionCodec(ring('k1'));
    const [sealed] = await codec.encode([payload({ password: SECRET })]);
    const data = Buffer.from(sealed!.data!);
    for (const at of [0, 11, 12, data.length - 17, data.length - 1]) {
      const tampered = Buffer.from(data);
      tampered[at]! ^= 1;
      const err = await rejection(codec.decode([{ ...sealed, data: tampered }]));
      expect(err).toBeInstanceOf(PayloadDecryptionError);
      expect(err.message).toMatch(/key id "k1": authentication failed/);
    }
    const short = await rejection(codec.decode([{ ...sealed, data: data.subarray(0, 20) }]));
    expect(short.message).toMatch(/too short/);
  });

  it('fails to decrypt with another key under the same id, and names a key id it does not have', async () => {
    const [sealed] = await new EncryptionCodec(ring('k1')).encode([payload(SECRET)]);
    expect((await rejection(new EncryptionCodec(ring('k1')).decode([sealed!]))).message).toMatch(
      /authentication failed/,
    );
    expect((await rejection(new EncryptionCodec(ring('k2', 'k3')).decode([sealed!]))).message).toBe(
      'payload encrypted with key id "k1", which is not in the keyring (have: k2, k3); ' +
        'add that key to KSIT_CODEC_KEY / KSIT_CODEC_KEY_FILE as id:base64',
    );
  });

  it('authenticates the key id: relabelling a payload with another id in the ring fails', async () => {
    const keys = ring('k1', 'k2');
    const both = new EncryptionCodec([keys[1]!, keys[0]] as Keyring);
    const [sealed] = await new EncryptionCodec(keys).encode([payload(SECRET)]);
    const relabelled = { ...sealed, metadata: { ...sealed!.metadata, [KEY_ID_METADATA]: Buffer.from('k2') } };
    expect((await rejection(both.decode([relabelled]))).message).toMatch(/key id "k2": authentication failed/);
  });

  it('rotates: the first key encrypts, older keys still decrypt what they encrypted', async () => {
    const [old, next] = ring('old', 'new');
    const [before] = await new EncryptionCodec([old!]).encode([payload('written before rotation')]);
    const rotated = new EncryptionCodec([next!, old!]);
    const [after] = await rotated.encode([payload('written after')]);
    expect(Buffer.from(after!.metadata![KEY_ID_METADATA]!).toString()).toBe('new');
    const decoded = await rotated.decode([before!, after!]);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([
      'written before rotation',
      'written after',
    ]);
  });

  it('refuses plaintext payloads on decode (no downgrade), naming the migration switch', async () => {
    const plain = payload({ a: 1 });
    expect((await rejection(new EncryptionCodec(ring('k1')).decode([plain]))).message).toContain(
      'unencrypted payload refused',
    );
    expect((await rejection(new EncryptionCodec(ring('k1')).decode([plain]))).message).toContain(
      'KSIT_CODEC_ACCEPT_PLAINTEXT=true',
    );
  });

  it('passes plaintext through when accepted (history from before the codec was on)', async () => {
    const plain = payload({ a: 1 });
    expect(await new EncryptionCodec(ring('k1'), true).decode([plain])).toEqual([plain]);
  });
});

describe('MissingKeyCodec (no key configured)', () => {
  it('leaves payloads as they are and says which key an encrypted one needs', async () => {
    const codec = new MissingKeyCodec();
    const plain = payload({ a: 1 });
    expect(await codec.encode([plain])).toEqual([plain]);
    expect(await codec.decode([plain])).toEqual([plain]);
    const [sealed] = await new EncryptionCodec(ring('prod-2')).encode([plain]);
    expect((await rejection(codec.decode([sealed!]))).message).toBe(
      'payload encrypted with key id "prod-2" but no key is configured: set KSIT_CODEC_KEY or KSIT_CODEC_KEY_FILE',
    );
  });
});

describe('failures with the codec on', () => {
  it('carry message and stack trace only inside the encrypted payload, and decode back', async () => {
    const converter = loadDataConverter(
      codecFromEnv({ KSIT_CODEC_KEY: randomBytes(32).toString('base64') }).dataConverter,
    );
    const error = ApplicationFailure.nonRetryable(`helm: invalid value "${SECRET}"`, 'InstallRejected');
    const failure = await encodeErrorToFailure(converter, error);
    const bytes = Buffer.from(proto.temporal.api.failure.v1.Failure.encode(failure).finish());
    expect(bytes.includes(SECRET)).toBe(false);
    expect(failure.message).toBe('Encoded failure');
    expect(failure.applicationFailureInfo?.type).toBe('InstallRejected');
    const back = (await decodeOptionalFailureToOptionalError(converter, failure)) as ApplicationFailure;
    expect(back.message).toBe(`helm: invalid value "${SECRET}"`);
    expect(back.type).toBe('InstallRejected');
  });

  it('stay readable with the codec off, which is what the codec is for', async () => {
    const converter = loadDataConverter(codecFromEnv({}).dataConverter);
    const failure = await encodeErrorToFailure(converter, new Error(`helm: invalid value "${SECRET}"`));
    expect(Buffer.from(proto.temporal.api.failure.v1.Failure.encode(failure).finish()).includes(SECRET)).toBe(true);
  });
});
