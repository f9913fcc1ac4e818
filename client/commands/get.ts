// `ksit get integrations|targets [-o wide|json|yaml] [--watch]`: a kubectl-like table, or data whose shape is a
// contract: integrations [{name, namespace, type, phase, message, clusters: [{name, phase, message, lastCheckAt,
// components: {ready, total}}]}] (each cluster's latest check, from its running watch, for up to 100 clusters),
// targets [{name, namespace, clusterName, ready, message, ...}].
import { dependsColumn } from '../dependency-format.js';
import type { Client } from '@temporalio/client';
import type { IntegrationStatus, TargetStatus } from '../../shared/types.js';
import { sleep } from '../deadlines.js';
import { UsageError } from '../errors.js';
import { parseKind, type Kind } from '../kinds.js';
import { exportDocuments } from '../export-specs.js';
import { age, formatData, formatLabels, paintPhase, table, type OutputFormat } from '../output.js';
import { withLiveChecks } from '../live-checks.js';
import { listIntegrations, listTargets } from '../status-list.js';
import { connectTemporal } from '../temporal.js';
import { parseCommandArgs, printUsage, wantsHelp, type Command } from './command.js';

const USAGE =
  'ksit get integrations|targets [-o wide|json|yaml] [--watch]\n' +
  '       ksit get integrations|targets --export [--show-values]   (applicable YAML: backup, migration to kubectl)';
const WATCH_EVERY_MS = 2_000;
/** Above this many clusters in a listing, the latest checks are not folded in (see integrations.list). */
const LIVE_CHECKS_MAX_CLUSTERS = 100;
const FORMATS: OutputFormat[] = ['table', 'wide', 'json', 'yaml'];

interface Listing<T> {
  /** `fresh`: fold in each cluster's latest check (one describe per cluster; data output only). */
  list(client: Client, fresh: boolean): Promise<T[]>;
  data(item: T): object;
  rows(items: T[], wide: boolean): string[][];
  key(item: T): string;
  /** What a watch prints for an item that is gone. */
  gone(item: T): T;
}

const integrations: Listing<IntegrationStatus> = {
  list: async (client, fresh) => {
    const items = await listIntegrations(client);
    // Each cluster's latest check is one describe of its lifecycle: worth it for a page of clusters, not for a
    // fleet (1,000 describes would take seconds). Above the limit the listing shows the recorded transitions,
    // which are current (every change is recorded), without the time of the latest unchanged check.
    const clusters = items.reduce((n, s) => n + s.clusters.length, 0);
    if (!fresh || clusters > LIVE_CHECKS_MAX_CLUSTERS) return items;
    return Promise.all(items.map((s) => withLiveChecks(client, s)));
  },
  data: (status) => ({
    name: status.name,
    namespace: status.namespace,
    type: status.type,
    phase: status.phase,
    message: status.message,
    paused: status.paused,
    createdAt: status.createdAt,
    clusters: status.clusters.map((c) => ({
      name: c.cluster,
      phase: c.phase,
      message: c.message,
      lastCheckAt: c.lastCheckAt,
      components:
        c.components.length === 0 && c.componentCounts
          ? c.componentCounts
          : { ready: c.components.filter((x) => x.healthy).length, total: c.components.length },
      revision: c.revision,
      ...(c.dependencies ? { dependencies: c.dependencies } : {}),
    })),
    ...(status.dependents ? { dependents: status.dependents } : {}),
    rollout: status.rollout,
  }),
  rows: (items, wide) => [
    [
      'NAME',
      'TYPE',
      'PHASE',
      'READY',
      'AGE',
      ...(wide ? ['NAMESPACE', 'CLUSTERS', 'DEPENDS', 'ROLLOUT', 'MESSAGE'] : []),
    ],
    ...items.map((status) => [
      status.name,
      status.type,
      status.phase,
      `${status.clusters.filter((c) => c.phase === 'Running').length}/${status.clusters.length}`,
      age(status.createdAt),
      ...(wide
        ? [
            status.namespace,
            status.clusters.map((c) => c.cluster).join(',') || '<none>',
            dependsColumn(status),
            rollout(status),
            status.message,
          ]
        : []),
    ]),
  ],
  key: (status) => `${status.namespace}/${status.name}`,
  gone: (status) => ({ ...status, phase: 'Deleted' as IntegrationStatus['phase'], message: 'deleted', clusters: [] }),
};

/** `r3 Progressing staging`: the revision being rolled out, the rollout's state and wave. */
function rollout(status: IntegrationStatus): string {
  return status.rollout ? `r${status.rollout.revision} ${status.rollout.state} ${status.rollout.wave || '-'}` : '-';
}

const targets: Listing<TargetStatus> = {
  list: (client) => listTargets(client),
  data: (target) => target,
  rows: (items, wide) => [
    ['NAME', 'CLUSTER', 'READY', 'VERSION', 'MESSAGE', ...(wide ? ['NAMESPACE', 'LABELS'] : [])],
    ...items.map((target) => [
      target.name,
      target.clusterName,
      target.ready ? 'Ready' : 'NotReady',
      target.serverVersion ?? '',
      target.message,
      ...(wide ? [target.namespace, formatLabels(target.labels)] : []),
    ]),
  ],
  key: (target) => `${target.namespace}/${target.name}`,
  gone: (target) => ({ ...target, ready: false, message: 'deleted' }),
};

const LISTINGS: Record<Kind, Listing<IntegrationStatus> | Listing<TargetStatus>> = {
  integration: integrations,
  target: targets,
};

export const getCommand: Command = {
  summary: 'list Integrations or IntegrationTargets with their phase',
  usage: USAGE,
  async run(args) {
    if (wantsHelp(args)) return printUsage(USAGE);
    const [what, ...rest] = args;
    const { values } = parseCommandArgs(
      rest,
      {
        output: { type: 'string', short: 'o' },
        watch: { type: 'boolean', short: 'w' },
        export: { type: 'boolean' },
        'show-values': { type: 'boolean' },
      },
      USAGE,
    );
    if (values.export) {
      const kind = parseKind(what, ['integration', 'target'], 'get', USAGE);
      if (values.watch || (values.output && values.output !== 'yaml'))
        throw new UsageError('--export prints YAML documents; it takes no -o or --watch', USAGE);
      const documents = await exportDocuments(await connectTemporal(), kind, values['show-values'] ?? false);
      process.stdout.write(documents.map((d) => formatData(d, 'yaml')).join('---\n'));
      return 0;
    }
    const format = (values.output ?? 'table') as OutputFormat;
    if (!FORMATS.includes(format)) throw new UsageError(`unknown output "${format}" (${FORMATS.join(', ')})`, USAGE);
    const listing = LISTINGS[parseKind(what, ['integration', 'target'], 'get', USAGE)] as Listing<unknown>;
    const client = await connectTemporal();
    if (values.watch) return watch(client, listing, format);
    const items = await listing.list(client, isData(format));
    process.stdout.write(render(listing, items, format, true));
    return 0;
  },
};

const isData = (format: OutputFormat) => format === 'json' || format === 'yaml';

function render<T>(listing: Listing<T>, items: T[], format: OutputFormat, header: boolean, streaming = false): string {
  if (format === 'json' || format === 'yaml') {
    const data = items.map((item) => listing.data(item));
    if (!streaming) return formatData(data, format);
    // A watch streams one object per change: a JSON line, or a YAML document.
    return data
      .map((one) => (format === 'json' ? `${JSON.stringify(one)}\n` : `---\n${formatData(one, 'yaml')}`))
      .join('');
  }
  const rows = listing.rows(items, format === 'wide');
  const text = table(rows, (column, cell) =>
    rows[0]![column] === 'PHASE' || rows[0]![column] === 'READY' ? paintPhase(cell) : cell,
  );
  return header ? text : text.slice(text.indexOf('\n') + 1);
}

/**
 * Prints the list, then every item whose printed form changes (and items that disappear), until interrupted.
 * Polls the listing: one visibility list of the Integrations' memos each time (no query per Integration), plus,
 * for a page of clusters in data output, one describe of each cluster's lifecycle; none touches a cluster.
 */
async function watch<T>(client: Client, listing: Listing<T>, format: OutputFormat): Promise<number> {
  const last = new Map<string, { item: T; text: string }>();
  let header = true;
  for (;;) {
    const items = await listing.list(client, isData(format));
    const changed: T[] = [];
    const seen = new Set<string>();
    for (const item of items) {
      const key = listing.key(item);
      seen.add(key);
      const text = JSON.stringify(listing.data(item));
      if (last.get(key)?.text !== text) changed.push(item);
      last.set(key, { item, text });
    }
    for (const [key, { item }] of last) {
      if (seen.has(key)) continue;
      changed.push(listing.gone(item));
      last.delete(key);
    }
    if (changed.length > 0 || header) {
      process.stdout.write(render(listing, changed, format, header, true));
      header = false;
    }
    await sleep(WATCH_EVERY_MS);
  }
}
