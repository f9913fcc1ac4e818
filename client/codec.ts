import type { DataConverter } from '@temporalio/common';
import { codecFromEnv } from '../shared/codec/data-converter.js';
import { CodecKeyError } from '../shared/codec/keyring.js';
import { KsitError } from './errors.js';

/** The CLI's data converter: decrypts what the workers encrypted when KSIT_CODEC_KEY(_FILE) is set. */
export function cliDataConverter(env: NodeJS.ProcessEnv = process.env): DataConverter {
  try {
    return codecFromEnv(env).dataConverter;
  } catch (err) {
    if (err instanceof CodecKeyError) throw new KsitError(err.message);
    throw err;
  }
}
