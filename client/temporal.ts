import { Client, Connection } from '@temporalio/client';
import { cliDataConverter } from './codec.js';
import { KsitError } from './errors.js';

export const TASK_QUEUE = process.env.KSIT_TASK_QUEUE ?? 'ksit';

/** Connects to Temporal from TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE (defaults: the local dev server). */
export async function connectTemporal(): Promise<Client> {
  const address = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
  const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
  const dataConverter = cliDataConverter();
  try {
    const connection = await Connection.connect({ address, connectTimeout: '5s' });
    return new Client({ connection, namespace, dataConverter });
  } catch (err) {
    throw new KsitError(
      `cannot reach the Temporal server at ${address} (${(err as Error).message.split('\n')[0]}); ` +
        'start it with `deploy/local/env.sh up` or set TEMPORAL_ADDRESS',
      { exitCode: 3 },
    );
  }
}
