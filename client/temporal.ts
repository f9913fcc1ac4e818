import { Client, Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { cliDataConverter } from './codec.js';
import { EXIT, KsitError } from './errors.js';

/** The worker task queue that `ksit apply` starts workflows on (--task-queue / KSIT_TASK_QUEUE). */
export function taskQueue(): string {
  return process.env.KSIT_TASK_QUEUE ?? 'ksit';
}

/** Where the CLI connects, once flags, environment and the profile file have been merged. */
export interface ConnectionTarget {
  address: string;
  namespace: string;
  options: Awaited<ReturnType<typeof loadClientConnectConfig>>['connectionOptions'];
}

/**
 * Resolves the connection the way the `temporal` CLI does: a profile from Temporal's environment config file
 * (TEMPORAL_CONFIG_FILE, default ~/.config/temporalio/temporal.toml; TEMPORAL_PROFILE picks one), overridden by
 * TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE / TEMPORAL_API_KEY / TEMPORAL_TLS_* (the global flags set those).
 * Defaults: the local dev server, namespace "default".
 */
export function resolveConnection(): ConnectionTarget {
  let config;
  // An empty variable counts as unset (`TEMPORAL_ADDRESS= ksit ...`), as most tools treat it.
  const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => !!e[1]));
  try {
    config = loadClientConnectConfig({ profile: env.TEMPORAL_PROFILE, overrideEnvVars: env });
  } catch (err) {
    const file = process.env.TEMPORAL_CONFIG_FILE ?? '~/.config/temporalio/temporal.toml';
    throw new KsitError(
      `cannot load Temporal connection profile ${JSON.stringify(process.env.TEMPORAL_PROFILE ?? 'default')} ` +
        `from ${file}: ${(err as Error).message.split('\n')[0]}; fix the file or unset TEMPORAL_PROFILE`,
    );
  }
  return {
    address: config.connectionOptions.address ?? '127.0.0.1:7233',
    namespace: config.namespace ?? 'default',
    options: config.connectionOptions,
  };
}

/** Connects to Temporal (see resolveConnection); an unreachable server is one line and exit code 3. */
export async function connectTemporal(): Promise<Client> {
  const { address, namespace, options } = resolveConnection();
  const dataConverter = cliDataConverter();
  try {
    const connection = await Connection.connect({ ...options, address, connectTimeout: '5s' });
    return new Client({ connection, namespace, dataConverter });
  } catch (err) {
    throw new KsitError(
      `cannot reach the Temporal server at ${address} (${(err as Error).message.split('\n')[0]}); ` +
        'start it with `deploy/local/env.sh up`, or set --address / TEMPORAL_ADDRESS',
      { exitCode: EXIT.unreachable },
    );
  }
}
