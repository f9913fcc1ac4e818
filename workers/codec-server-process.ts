// Standalone codec endpoint for the Temporal Web UI and CLI (`npm run codec-server`, entry point codec-server.ts):
// decrypts history for people allowed to read it. Same key material as the worker; it refuses to start without a key.
import { z } from 'zod';
import { StartupError } from '../shared/entry-point.js';
import { EncryptionCodec } from '../shared/codec/encryption-codec.js';
import { keyringFromEnv } from '../shared/codec/keyring.js';
import { createCodecServer } from './codec-http.js';
import { createLogger } from './logger.js';

const schema = z.object({
  KSIT_CODEC_PORT: z.coerce.number().int().min(0).max(65_535).default(8888),
  /** Loopback by default: in a pod, set 0.0.0.0 and put it behind the same access control as the Web UI. */
  KSIT_CODEC_HOST: z.string().default('127.0.0.1'),
  /** Comma-separated browser origins of the Web UI, e.g. http://127.0.0.1:8233. */
  KSIT_CODEC_CORS_ORIGINS: z.string().default(''),
  KSIT_CODEC_AUTH_TOKEN: z.string().min(16, 'use at least 16 characters').optional(),
  /** Serve without a token: only where nothing but the Web UI's users can reach the port (see SECURITY.md). */
  KSIT_CODEC_ALLOW_NO_TOKEN: z.stringbool({ error: 'must be true or false' }).default(false),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error']).default('info'),
});

const parsed = schema.safeParse(process.env);
if (!parsed.success) {
  const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  throw new StartupError(`invalid codec server environment: ${problems}`, 2);
}
const config = parsed.data;
if (!config.KSIT_CODEC_AUTH_TOKEN && !config.KSIT_CODEC_ALLOW_NO_TOKEN) {
  throw new StartupError(
    'the codec server decrypts history for whoever calls it: set KSIT_CODEC_AUTH_TOKEN (16+ characters), or ' +
      'KSIT_CODEC_ALLOW_NO_TOKEN=true where only trusted users reach its port',
    2,
  );
}
const log = createLogger(config.LOG_LEVEL);
const keyring = keyringFromEnv();
if (!keyring) throw new StartupError('the codec server needs a key: set KSIT_CODEC_KEY or KSIT_CODEC_KEY_FILE', 2);

const corsOrigins = config.KSIT_CODEC_CORS_ORIGINS.split(',')
  .map((o) => o.trim())
  .filter((o) => o !== '');
const server = createCodecServer({
  codec: new EncryptionCodec(keyring),
  corsOrigins,
  authToken: config.KSIT_CODEC_AUTH_TOKEN,
  onError: (err) => log.error({ err }, 'codec request failed'),
});
if (!config.KSIT_CODEC_AUTH_TOKEN)
  log.warn('KSIT_CODEC_ALLOW_NO_TOKEN=true: whoever reaches this endpoint can decrypt history');
server.listen(config.KSIT_CODEC_PORT, config.KSIT_CODEC_HOST, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.KSIT_CODEC_PORT;
  log.info(
    { host: config.KSIT_CODEC_HOST, port, corsOrigins, keyIds: keyring.map((k) => k.id) },
    'codec server listening',
  );
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => server.close());
