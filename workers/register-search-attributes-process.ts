// Registers ksit's search attributes on the Temporal namespace (what deploy/local/env.sh does for the dev server):
// entry point `dist/workers/register-search-attributes.js`, run by the Helm chart's hook Job and docker-compose's setup
// service. Same environment as the worker (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TLS, API key). Idempotent: only
// missing attributes are added. Waits for the server (up to KSIT_SETUP_TIMEOUT_SECONDS, default 300).
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { loadWorkerConfig } from './config.js';
import { createLogger } from './logger.js';
import { registerSearchAttributes } from './search-attribute-registration.js';
import { temporalConnectionOptions } from './temporal-connection.js';

const config = loadWorkerConfig();
const log = createLogger(config.LOG_LEVEL);
const deadline = Date.now() + Number(process.env.KSIT_SETUP_TIMEOUT_SECONDS ?? 300) * 1000;
const options = await temporalConnectionOptions(config);
const namespace = config.TEMPORAL_NAMESPACE;

for (let attempt = 1; ; attempt++) {
  try {
    const connection = await Connection.connect({ ...options, connectTimeout: '5s' });
    try {
      const added = await registerSearchAttributes(connection.operatorService, namespace);
      log.info({ namespace, added }, 'search attributes registered');
      break;
    } finally {
      await connection.close();
    }
  } catch (err) {
    if (Date.now() >= deadline) {
      const reason = (err as Error).message.split('\n')[0];
      log.error({ reason, address: options.address, namespace }, 'cannot register search attributes');
      process.exit(1);
    }
    log.info({ attempt, reason: (err as Error).message.split('\n')[0] }, 'Temporal not ready, retrying');
    await sleep(3_000);
  }
}
