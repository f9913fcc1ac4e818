// Key material for the payload codec: one or more AES-256 keys, each with an id that is written next to every
// payload it encrypts, so keys can rotate: the first key encrypts, every key in the ring decrypts.
//
// Format (env KSIT_CODEC_KEY, or the file named by KSIT_CODEC_KEY_FILE, e.g. a mounted Kubernetes Secret):
//   BASE64                      one key, id "default"
//   id1:BASE64,id2:BASE64       a ring; entries may also be separated by newlines
// Each BASE64 is exactly 32 bytes (`openssl rand -base64 32`). Messages name the entry, never its key.
import { readFileSync } from 'node:fs';
import { StartupError } from '../entry-point.js';

export interface CodecKey {
  id: string;
  key: Buffer;
}

/** Non-empty; the first key encrypts. */
export type Keyring = [CodecKey, ...CodecKey[]];

export const DEFAULT_KEY_ID = 'default';
const KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Bad or missing key material: the user's to fix, so a program that meets it at start says so in one line. */
export class CodecKeyError extends StartupError {
  override name = 'CodecKeyError';

  constructor(message: string) {
    super(message, 2);
  }
}

/** Parses key material; `source` names where it came from in error messages (an env var or a file path). */
export function parseKeyring(text: string, source: string): Keyring {
  const entries = text
    .split(/[,\n]/)
    .map((e) => e.trim())
    .filter((e) => e !== '');
  if (entries.length === 0) throw new CodecKeyError(`${source} is empty: expected a base64 key or id:base64,...`);
  const ring: CodecKey[] = [];
  entries.forEach((entry, index) => {
    const colon = entry.indexOf(':');
    const id = colon < 0 ? DEFAULT_KEY_ID : entry.slice(0, colon).trim();
    const encoded = colon < 0 ? entry : entry.slice(colon + 1).trim();
    const where = `${source}, entry ${index + 1}${colon < 0 ? '' : ` (id "${id}")`}`;
    if (!KEY_ID.test(id)) throw new CodecKeyError(`${where}: a key id is 1-64 of A-Z a-z 0-9 . _ -`);
    if (!BASE64.test(encoded) || encoded.length % 4 !== 0)
      throw new CodecKeyError(`${where}: the key is not valid base64 (generate one with: openssl rand -base64 32)`);
    const key = Buffer.from(encoded, 'base64');
    if (key.length !== KEY_BYTES)
      throw new CodecKeyError(
        `${where}: the key is ${key.length} bytes, AES-256 needs ${KEY_BYTES} (generate one with: openssl rand -base64 32)`,
      );
    if (ring.some((k) => k.id === id))
      throw new CodecKeyError(`${where}: key id "${id}" appears twice; give each key its own id`);
    ring.push({ id, key });
  });
  return ring as Keyring;
}

/**
 * The keyring configured in the environment, or undefined when neither KSIT_CODEC_KEY nor KSIT_CODEC_KEY_FILE is
 * set (the codec is off). Setting both is an error, since it is unclear which one the operator meant.
 */
export function keyringFromEnv(env: NodeJS.ProcessEnv = process.env): Keyring | undefined {
  const inline = env.KSIT_CODEC_KEY;
  const file = env.KSIT_CODEC_KEY_FILE;
  if (inline && file) throw new CodecKeyError('set KSIT_CODEC_KEY or KSIT_CODEC_KEY_FILE, not both');
  if (inline) return parseKeyring(inline, 'KSIT_CODEC_KEY');
  if (!file) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CodecKeyError(`KSIT_CODEC_KEY_FILE ${file}: cannot read it (${(err as NodeJS.ErrnoException).code})`);
  }
  return parseKeyring(text, `KSIT_CODEC_KEY_FILE ${file}`);
}
