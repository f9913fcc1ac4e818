// The codec server's entry point (`npm run codec-server`): checks the Node version before anything is loaded,
// then runs the server (codec-server-process.ts).
import { startProgram } from '../shared/entry-point.js';

await startProgram(
  'ksit codec server',
  'npm run codec-server',
  () => import('./codec-server-process.js'),
  async () =>
    'usage: npm run codec-server\n\n' +
    "Decrypts history for the Temporal Web UI and CLI with the workers' key. Settings (environment):\n" +
    '  KSIT_CODEC_KEY or KSIT_CODEC_KEY_FILE   the key ring (required)\n' +
    '  KSIT_CODEC_PORT                         default 8888\n' +
    '  KSIT_CODEC_HOST                         default 127.0.0.1\n' +
    '  KSIT_CODEC_CORS_ORIGINS                 the Web UI origins, comma-separated\n' +
    '  KSIT_CODEC_AUTH_TOKEN                   bearer token callers must send (16+ characters)\n' +
    '  KSIT_CODEC_ALLOW_NO_TOKEN               true: serve without a token (only where trusted users reach it)\n',
);
