// Entry point of the setup step (Helm hook Job, docker-compose's setup service, `npm run setup`): checks the Node
// version before anything is loaded, then registers the search attributes (register-search-attributes-process.ts).
import { startProgram } from '../shared/entry-point.js';

await startProgram(
  'ksit setup',
  'npm run setup',
  () => import('./register-search-attributes-process.js'),
  async () =>
    'usage: npm run setup   (the Helm hook Job and docker-compose run dist/workers/register-search-attributes.js)\n\n' +
    "Registers ksit's search attributes on the Temporal namespace; only missing ones are added. Same settings as\n" +
    'the worker (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TLS, API key); waits up to KSIT_SETUP_TIMEOUT_SECONDS\n' +
    '(default 300) for the server.\n',
);
