// AES-256-GCM PayloadCodec: every payload leaves the process encrypted, so Temporal history (workflow inputs such
// as Helm values, results, memos, failure messages) is unreadable without the key. Runs in the worker and client
// processes only; workflow code never sees it (payloads are decoded before they reach the workflow sandbox).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { type Payload, type PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import type { CodecKey, Keyring } from './keyring.js';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** Metadata key naming the key that encrypted a payload. */
export const KEY_ID_METADATA = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const ProtoPayload = proto.temporal.api.common.v1.Payload;

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null | undefined) => (b ? new TextDecoder().decode(b) : undefined);

export function isEncrypted(payload: Payload): boolean {
  return text(payload.metadata?.encoding) === ENCRYPTED_ENCODING;
}

export class PayloadDecryptionError extends Error {
  override name = 'PayloadDecryptionError';
}

export class EncryptionCodec implements PayloadCodec {
  private readonly byId: Map<string, Buffer>;
  private readonly current: CodecKey;

  /**
   * `acceptPlaintext`: decode payloads that are not encrypted (history from before the codec was on). Off by
   * default: with a key set, a plaintext payload is either a client without the key or someone injecting one.
   */
  constructor(
    keyring: Keyring,
    private readonly acceptPlaintext = false,
  ) {
    this.current = keyring[0];
    this.byId = new Map(keyring.map((k) => [k.id, k.key]));
  }

  /** The whole payload (metadata and data) is sealed; only the encoding and the key id stay readable. */
  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
      // The key id is authenticated too: moving a payload under another id fails like any tampering.
      cipher.setAAD(utf8(this.current.id));
      const sealed = Buffer.concat([cipher.update(ProtoPayload.encode(payload).finish()), cipher.final()]);
      return {
        metadata: { encoding: utf8(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8(this.current.id) },
        data: Buffer.concat([iv, sealed, cipher.getAuthTag()]),
      };
    });
  }

  /** No downgrade: a payload that is not encrypted is refused, unless plaintext is accepted (a migration). */
  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (isEncrypted(payload)) return this.decrypt(payload);
      if (this.acceptPlaintext) return payload;
      throw new PayloadDecryptionError(
        'unencrypted payload refused: a codec key is set, so every payload must be encrypted (this one came from a ' +
          'client without the key); set KSIT_CODEC_ACCEPT_PLAINTEXT=true while history from before the codec remains',
      );
    });
  }

  private decrypt(payload: Payload): Payload {
    const id = text(payload.metadata?.[KEY_ID_METADATA]) ?? '';
    const key = this.byId.get(id);
    if (!key)
      throw new PayloadDecryptionError(
        `payload encrypted with key id "${id}", which is not in the keyring (have: ${[...this.byId.keys()].join(', ')}); ` +
          'add that key to KSIT_CODEC_KEY / KSIT_CODEC_KEY_FILE as id:base64',
      );
    const data = payload.data ?? new Uint8Array();
    if (data.length < IV_BYTES + TAG_BYTES)
      throw new PayloadDecryptionError(`encrypted payload (key id "${id}") is too short: it was truncated`);
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
    decipher.setAAD(utf8(id));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new PayloadDecryptionError(
        `cannot decrypt payload with key id "${id}": authentication failed (the key under that id is not the one ` +
          'that encrypted it, or the payload was altered)',
      );
    }
    const decoded = ProtoPayload.decode(plain);
    return { metadata: decoded.metadata, data: decoded.data };
  }
}

/**
 * The codec of a process that has no key: encodes nothing, and on meeting an encrypted payload says which key is
 * missing instead of the payload converter's "Unknown encoding".
 */
export class MissingKeyCodec implements PayloadCodec {
  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads;
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    const encrypted = payloads.find(isEncrypted);
    if (encrypted)
      throw new PayloadDecryptionError(
        `payload encrypted with key id "${text(encrypted.metadata?.[KEY_ID_METADATA]) ?? ''}" but no key is ` +
          'configured: set KSIT_CODEC_KEY or KSIT_CODEC_KEY_FILE',
      );
    return payloads;
  }
}
