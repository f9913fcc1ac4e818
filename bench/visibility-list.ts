// The Temporal server's share of `ksit get integrations` without a fleet: N Integration-shaped workflows (the
// search attributes and listing memo a real one has) that never run, since no worker polls their task queue, listed
// the way the CLI lists them (client/status-list.ts). Seconds instead of the half hour bench:listing needs to start
// 1,000 monitors, so a server setting that changes the listing can be compared quickly; bench:listing stays the
// measure of the real thing.
//
//   npm run bench:visibility-list -- 1000 [--repeat 7]
import { randomUUID } from 'node:crypto';
import { listIntegrations } from '../client/status-list.js';
import { LISTING_MEMO_KEY, listingMemoOf } from '../shared/listing-memo.js';
import type { IntegrationStatus } from '../shared/types.js';
import { KsitIntegration, KsitKind, KsitPhase } from '../workflows/search-attributes.js';
import { connect, terminateRun } from './lib/ksit.js';
import { ensureEnvironment, temporalKeySuffix, temporalKind } from './lib/local-env.js';
import { LoadWindow, machineInfo, round } from './lib/proc.js';
import {
  exitWithUsageIfAsked,
  flag,
  log,
  percentile,
  pool,
  positional,
  printTable,
  writeResults,
} from './lib/report.js';

const USAGE = 'npm run bench:visibility-list -- 1000 [--repeat 7]';
exitWithUsageIfAsked(USAGE);

const n = Number(positional() ?? 1000);
const repeat = Number(flag('repeat', '7'));
const env = await ensureEnvironment(['cluster-1']);
const client = await connect(env);
const taskQueue = `visibility-list-${randomUUID().slice(0, 6)}`;

// A listing memo as an Integration on one cluster writes it.
const now = new Date().toISOString();
const status: IntegrationStatus = {
  name: 'probe',
  namespace: 'ksit-system',
  type: 'custom',
  phase: 'Running',
  message: 'all components healthy on every target cluster',
  paused: false,
  createdAt: now,
  clusters: [
    {
      cluster: 'cluster-1',
      phase: 'Running',
      message: 'all components healthy',
      components: [{ kind: 'Deployment', name: 'app', ready: 1, desired: 1, healthy: true }],
      transitions: [{ phase: 'Running', at: now, message: 'all components healthy' }],
    },
  ],
};

try {
  const t0 = performance.now();
  await pool(
    Array.from({ length: n }, (_, i) => i),
    32,
    (i) =>
      client.workflow.start('visibilityProbe', {
        taskQueue,
        workflowId: `integration/ksit-system/${taskQueue}-${i}`,
        memo: { [LISTING_MEMO_KEY]: listingMemoOf({ ...status, name: `${taskQueue}-${i}` }) },
        typedSearchAttributes: [
          { key: KsitKind, value: 'integration' },
          { key: KsitPhase, value: 'Running' },
          { key: KsitIntegration, value: `ksit-system/${taskQueue}-${i}` },
        ],
      }),
  );
  log(`${n} workflows started in ${Math.round((performance.now() - t0) / 1000)} s`);
  // Visibility is written after the start; list until all are there.
  const deadline = Date.now() + 120_000;
  for (let listed = 0; listed < n; listed = (await listIntegrations(client, taskQueue)).length)
    if (Date.now() > deadline) throw new Error(`visibility lists ${listed} of ${n} workflows after 2 minutes`);

  const load = new LoadWindow();
  const times: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const t = performance.now();
    const got = await listIntegrations(client, taskQueue);
    times.push(performance.now() - t);
    if (got.length !== n) throw new Error(`listed ${got.length} of ${n}`);
  }
  const row = {
    key: `${n}${temporalKeySuffix()}`,
    temporal: temporalKind(),
    workflows: n,
    p50Ms: round(percentile(times, 50)),
    minMs: round(Math.min(...times)),
    maxMs: round(Math.max(...times)),
    loadavg1: load.finish(0).loadavg1,
    at: new Date().toISOString(),
  };
  printTable(`List ${n} Integration-shaped workflows (${temporalKind()} Temporal), ${repeat} times`, Object.keys(row), [
    Object.values(row) as (string | number)[],
  ]);
  writeResults('visibility-list', { machine: machineInfo(), command: USAGE }, [row]);
} finally {
  log(`terminated ${await terminateRun(client, taskQueue)} workflows`);
  await client.connection.close();
}
