// The data converter every ksit process (worker, CLI, codec server's callers) builds from the same environment.
import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec, MissingKeyCodec } from './encryption-codec.js';
import { keyringFromEnv } from './keyring.js';

export interface CodecSetup {
  dataConverter: DataConverter;
  /** Ids of the configured keys, the encrypting one first; undefined when the codec is off. */
  keyIds?: string[];
}

export const failureConverterPath = new URL('./failure-converter.js', import.meta.url).pathname;

/** Throws CodecKeyError on bad key material (the message never contains a key). */
export function codecFromEnv(env: NodeJS.ProcessEnv = process.env): CodecSetup {
  const keyring = keyringFromEnv(env);
  if (!keyring) return { dataConverter: { payloadCodecs: [new MissingKeyCodec()] } };
  return {
    dataConverter: {
      payloadCodecs: [new EncryptionCodec(keyring, /^(1|true|yes|on)$/i.test(env.KSIT_CODEC_ACCEPT_PLAINTEXT ?? ''))],
      failureConverterPath,
    },
    keyIds: keyring.map((k) => k.id),
  };
}
