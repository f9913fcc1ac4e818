import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from '@jest/globals';
import { CodecKeyError, keyringFromEnv, parseKeyring } from '../../../shared/codec/keyring.js';

const key = () => randomBytes(32).toString('base64');
const dir = mkdtempSync(join(tmpdir(), 'ksit-keyring-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The error thrown by fn; every message is also checked not to contain the key material it was given. */
function errorOf(fn: () => unknown, secret: string): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CodecKeyError);
    const message = (err as Error).message;
    if (secret.length >= 8) expect(message).not.toContain(secret);
    return message;
  }
  throw new Error('expected a CodecKeyError');
}

describe('parseKeyring', () => {
  it('reads one bare key as id "default"', () => {
    const k = key();
    const ring = parseKeyring(k, 'KSIT_CODEC_KEY');
    expect(ring.map((x) => x.id)).toEqual(['default']);
    expect(ring[0].key.equals(Buffer.from(k, 'base64'))).toBe(true);
  });

  it('reads a ring in order, separated by commas or newlines, around stray whitespace', () => {
    const ring = parseKeyring(` new:${key()} ,\nold:${key()}\n`, 'file');
    expect(ring.map((x) => x.id)).toEqual(['new', 'old']);
  });

  it('rejects a key of the wrong length, naming the entry and the size', () => {
    const short = randomBytes(16).toString('base64');
    expect(errorOf(() => parseKeyring(`a:${key()},b:${short}`, 'KSIT_CODEC_KEY'), short)).toBe(
      'KSIT_CODEC_KEY, entry 2 (id "b"): the key is 16 bytes, AES-256 needs 32 (generate one with: openssl rand -base64 32)',
    );
  });

  it('rejects text that is not base64', () => {
    const bad = 'not base64 at all!!';
    expect(errorOf(() => parseKeyring(bad, 'KSIT_CODEC_KEY'), bad)).toMatch(/entry 1: the key is not valid base64/);
  });

  it('rejects duplicate and malformed ids, and empty input', () => {
    const k = key();
    expect(errorOf(() => parseKeyring(`a:${k},a:${key()}`, 'X'), k)).toMatch(/key id "a" appears twice/);
    expect(errorOf(() => parseKeyring(`bad id:${k}`, 'X'), k)).toMatch(/a key id is 1-64 of/);
    expect(errorOf(() => parseKeyring(' \n ', 'X'), '')).toBe('X is empty: expected a base64 key or id:base64,...');
  });
});

describe('keyringFromEnv', () => {
  it('is undefined (codec off) when no key is configured', () => {
    expect(keyringFromEnv({})).toBeUndefined();
  });

  it('reads a mounted Secret file, trailing newline included', () => {
    const file = join(dir, 'codec-key');
    writeFileSync(file, `k2:${key()}\n`);
    expect(keyringFromEnv({ KSIT_CODEC_KEY_FILE: file })?.map((k) => k.id)).toEqual(['k2']);
  });

  it('names an unreadable file and refuses both settings at once', () => {
    const missing = join(dir, 'nope');
    expect(errorOf(() => keyringFromEnv({ KSIT_CODEC_KEY_FILE: missing }), '')).toBe(
      `KSIT_CODEC_KEY_FILE ${missing}: cannot read it (ENOENT)`,
    );
    const k = key();
    expect(errorOf(() => keyringFromEnv({ KSIT_CODEC_KEY: k, KSIT_CODEC_KEY_FILE: missing }), k)).toBe(
      'set KSIT_CODEC_KEY or KSIT_CODEC_KEY_FILE, not both',
    );
  });
});
