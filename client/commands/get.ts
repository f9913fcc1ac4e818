// `ksit get integrations|targets [-o wide|json]`: a kubectl-like table, or JSON whose shape is a contract:
// integrations [{name, namespace, type, phase, message, clusters: [{name, phase, message}]}],
// targets [{name, namespace, clusterName, ready, message}].
import type { Client } from '@temporalio/client';
import type { IntegrationStatus, TargetStatus } from '../../shared/types.js';
import { integrationStatusQuery, targetStatusQuery } from '../../workflows/definitions.js';
import { KsitPhase } from '../../workflows/search-attributes.js';
import { UsageError } from '../errors.js';
import { connectTemporal } from '../temporal.js';
import { parseCommandArgs, type Command } from './command.js';

const USAGE = 'ksit get integrations|targets [-o wide|json]';

export const getCommand: Command = {
  summary: 'list Integrations or IntegrationTargets with their phase',
  usage: USAGE,
  async run(args) {
    const [what, ...rest] = args;
    const { values } = parseCommandArgs(
      rest,
      { output: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } },
      USAGE,
    );
    if (values.help) {
      process.stdout.write(`usage: ${USAGE}\n`);
      return 0;
    }
    const output = values.output ?? 'table';
    if (!['table', 'wide', 'json'].includes(output)) throw new UsageError(`unknown output "${output}"`, USAGE);
    const client = await connectTemporal();
    if (what === 'integrations' || what === 'integration') {
      const items = await listStatuses<IntegrationStatus>(
        client,
        'integration',
        (h) => h.query(integrationStatusQuery),
        unansweredIntegration,
      );
      process.stdout.write(
        output === 'json'
          ? `${JSON.stringify(items.map(integrationJson), null, 2)}\n`
          : integrationTable(items, output === 'wide'),
      );
      return 0;
    }
    if (what === 'targets' || what === 'target' || what === 'integrationtargets') {
      const items = await listStatuses<TargetStatus>(
        client,
        'target',
        (h) => h.query(targetStatusQuery),
        unansweredTarget,
      );
      process.stdout.write(output === 'json' ? `${JSON.stringify(items, null, 2)}\n` : targetTable(items));
      return 0;
    }
    throw new UsageError(`get what? "${what ?? ''}"`, USAGE);
  },
};

type Handle = ReturnType<Client['workflow']['getHandle']>;

/**
 * Lists running workflows of a kind through visibility and asks each for its status. A workflow whose worker
 * does not answer in time is still listed, with its last published phase, so one dead worker does not hide
 * the rest of the fleet.
 */
async function listStatuses<T>(
  client: Client,
  kind: string,
  query: (h: Handle) => Promise<T>,
  fallback: (workflowId: string, phase: string) => T,
): Promise<T[]> {
  const found: { id: string; phase: string }[] = [];
  for await (const wf of client.workflow.list({ query: `KsitKind = '${kind}' AND ExecutionStatus = 'Running'` })) {
    const phase = wf.typedSearchAttributes.get(KsitPhase) ?? 'Unknown';
    found.push({ id: wf.workflowId, phase });
  }
  found.sort((a, b) => a.id.localeCompare(b.id));
  return Promise.all(
    found.map(({ id, phase }) =>
      withDeadline(query(client.workflow.getHandle(id)), QUERY_TIMEOUT_MS).catch(() => fallback(id, phase)),
    ),
  );
}

const QUERY_TIMEOUT_MS = 5_000;

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('no answer')), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

const NO_ANSWER = 'no worker answered the status query; is a ksit worker running on this task queue?';

function unansweredIntegration(workflowId: string, phase: string): IntegrationStatus {
  const [, namespace = '', name = workflowId] = workflowId.split('/');
  return {
    name,
    namespace,
    type: 'custom',
    phase: phase as IntegrationStatus['phase'],
    message: NO_ANSWER,
    paused: false,
    clusters: [],
  };
}

function unansweredTarget(workflowId: string): TargetStatus {
  const [, namespace = '', name = workflowId] = workflowId.split('/');
  return { name, namespace, clusterName: '', labels: {}, ready: false, message: NO_ANSWER };
}

function integrationJson(s: IntegrationStatus) {
  return {
    name: s.name,
    namespace: s.namespace,
    type: s.type,
    phase: s.phase,
    message: s.message,
    clusters: s.clusters.map((c) => ({ name: c.cluster, phase: c.phase, message: c.message })),
  };
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return (
    rows
      .map((r) =>
        r
          .map((cell, i) => cell.padEnd(widths[i] ?? 0))
          .join('   ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

function integrationTable(items: IntegrationStatus[], wide: boolean): string {
  const head = ['NAME', 'TYPE', 'PHASE', 'READY', ...(wide ? ['MESSAGE'] : [])];
  const rows = items.map((s) => [
    s.name,
    s.type,
    s.phase,
    `${s.clusters.filter((c) => c.phase === 'Running').length}/${s.clusters.length}`,
    ...(wide ? [s.message] : []),
  ]);
  return table([head, ...rows]);
}

function targetTable(items: TargetStatus[]): string {
  return table([
    ['NAME', 'CLUSTER', 'READY', 'MESSAGE'],
    ...items.map((t) => [t.name, t.clusterName, String(t.ready), t.message]),
  ]);
}
