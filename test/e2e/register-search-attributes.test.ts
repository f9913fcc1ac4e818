// The setup entry point the Helm hook Job and docker-compose run: registers ksit's search attributes on a fresh
// Temporal namespace, and a second run changes nothing.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { Connection } from '@temporalio/client';
import { execa } from 'execa';
import { loadEnvironment, repoRoot, waitFor, type LocalEnvironment } from './env/environment.js';

const namespace = `ksit-sa-${randomUUID().slice(0, 8)}`;
let env: LocalEnvironment;
let connection: Connection;

const register = () =>
  execa(process.execPath, [join(repoRoot, 'dist/workers/register-search-attributes.js')], {
    env: { ...process.env, TEMPORAL_ADDRESS: env.temporalAddress, TEMPORAL_NAMESPACE: namespace, LOG_LEVEL: 'info' },
  });

beforeAll(async () => {
  env = loadEnvironment();
  connection = await Connection.connect({ address: env.temporalAddress });
  await execa(join(env.binDir, 'temporal'), [
    'operator',
    'namespace',
    'create',
    '--address',
    env.temporalAddress,
    namespace,
  ]);
  await waitFor('the new namespace', async () =>
    (await connection.workflowService.describeNamespace({ namespace })) ? true : undefined,
  );
}, 60_000);
afterAll(async () => {
  await connection?.close();
});

test('registers the search attributes the workflows upsert, once', async () => {
  const first = JSON.parse((await register()).stdout.trim().split('\n').at(-1) ?? '{}') as { added: string[] };
  expect(first.added.sort()).toEqual(
    [
      'KsitCluster',
      'KsitClusters',
      'KsitIntegration',
      'KsitKind',
      'KsitPhase',
      'KsitType',
      'KsitRolloutState',
      'KsitRolloutWave',
    ].sort(),
  );
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  // Temporal's IndexedValueType: 2 Keyword, 7 KeywordList.
  expect(customAttributes).toMatchObject({ KsitKind: 2, KsitPhase: 2, KsitClusters: 7 });
  const second = JSON.parse((await register()).stdout.trim().split('\n').at(-1) ?? '{}') as { added: string[] };
  expect(second.added).toEqual([]);
}, 120_000);
