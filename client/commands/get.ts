// `ksit get integrations|targets [-o wide|json|yaml] [--watch]`: a kubectl-like table, or data whose shape is a
// contract: integrations [{name, namespace, type, phase, message, clusters: [{name, phase, message}]}],
// targets [{name, namespace, clusterName, ready, message, ...}].
import type { Client } from '@temporalio/client';
import type { IntegrationStatus, TargetStatus } from '../../shared/types.js';
import { UsageError } from '../errors.js';
import { age, formatData, paintPhase, table, type OutputFormat } from '../output.js';
import { listIntegrations, listTargets } from '../status-list.js';
import { connectTemporal } from '../temporal.js';
import { parseCommandArgs, type Command } from './command.js';

const USAGE = 'ksit get integrations|targets [-o wide|json|yaml] [--watch]';
const WATCH_EVERY_MS = 2_000;
const FORMATS: OutputFormat[] = ['table', 'wide', 'json', 'yaml'];

interface Kind<T> {
  list(client: Client): Promise<T[]>;
  data(item: T): object;
  rows(items: T[], wide: boolean): string[][];
  key(item: T): string;
  /** What a watch prints for an item that is gone. */
  gone(item: T): T;
}

const integrations: Kind<IntegrationStatus> = {
  list: listIntegrations,
  data: (s) => ({
    name: s.name,
    namespace: s.namespace,
    type: s.type,
    phase: s.phase,
    message: s.message,
    paused: s.paused,
    createdAt: s.createdAt,
    clusters: s.clusters.map((c) => ({ name: c.cluster, phase: c.phase, message: c.message, revision: c.revision })),
    rollout: s.rollout,
  }),
  rows: (items, wide) => [
    ['NAME', 'TYPE', 'PHASE', 'READY', 'AGE', ...(wide ? ['NAMESPACE', 'CLUSTERS', 'ROLLOUT', 'MESSAGE'] : [])],
    ...items.map((s) => [
      s.name,
      s.type,
      s.phase,
      `${s.clusters.filter((c) => c.phase === 'Running').length}/${s.clusters.length}`,
      age(s.createdAt),
      ...(wide
        ? [s.namespace, s.clusters.map((c) => c.cluster).join(',') || '<none>', rolloutColumn(s), s.message]
        : []),
    ]),
  ],
  key: (s) => `${s.namespace}/${s.name}`,
  gone: (s) => ({ ...s, phase: 'Deleted' as IntegrationStatus['phase'], message: 'deleted', clusters: [] }),
};

/** `r3 Progressing staging`: the revision being rolled out, the rollout's state and wave. */
function rolloutColumn(s: IntegrationStatus): string {
  return s.rollout ? `r${s.rollout.revision} ${s.rollout.state} ${s.rollout.wave || '-'}` : '-';
}

const targets: Kind<TargetStatus> = {
  list: listTargets,
  data: (t) => t,
  rows: (items, wide) => [
    ['NAME', 'CLUSTER', 'READY', 'VERSION', 'MESSAGE', ...(wide ? ['NAMESPACE', 'LABELS'] : [])],
    ...items.map((t) => [
      t.name,
      t.clusterName,
      t.ready ? 'Ready' : 'NotReady',
      t.serverVersion ?? '',
      t.message,
      ...(wide
        ? [
            t.namespace,
            Object.entries(t.labels)
              .map(([k, v]) => `${k}=${v}`)
              .join(','),
          ]
        : []),
    ]),
  ],
  key: (t) => `${t.namespace}/${t.name}`,
  gone: (t) => ({ ...t, ready: false, message: 'deleted' }),
};

function kindOf(what: string | undefined): Kind<IntegrationStatus> | Kind<TargetStatus> {
  if (what === 'integrations' || what === 'integration') return integrations;
  if (what === 'targets' || what === 'target' || what === 'integrationtargets') return targets;
  throw new UsageError(`get what? "${what ?? ''}" (integrations or targets)`, USAGE);
}

export const getCommand: Command = {
  summary: 'list Integrations or IntegrationTargets with their phase',
  usage: USAGE,
  async run(args) {
    const [what, ...rest] = args;
    const { values } = parseCommandArgs(
      rest,
      {
        output: { type: 'string', short: 'o' },
        watch: { type: 'boolean', short: 'w' },
        help: { type: 'boolean', short: 'h' },
      },
      USAGE,
    );
    if (values.help || what === '--help' || what === '-h') {
      process.stdout.write(`usage: ${USAGE}\n`);
      return 0;
    }
    const format = (values.output ?? 'table') as OutputFormat;
    if (!FORMATS.includes(format)) throw new UsageError(`unknown output "${format}" (${FORMATS.join(', ')})`, USAGE);
    const kind = kindOf(what) as Kind<unknown>;
    const client = await connectTemporal();
    if (values.watch) return watch(client, kind, format);
    const items = await kind.list(client);
    process.stdout.write(render(kind, items, format, true));
    return 0;
  },
};

function render<T>(kind: Kind<T>, items: T[], format: OutputFormat, header: boolean, streaming = false): string {
  if (format === 'json' || format === 'yaml') {
    const data = items.map((i) => kind.data(i));
    if (!streaming) return formatData(data, format);
    // A watch streams one object per change: a JSON line, or a YAML document.
    return data.map((d) => (format === 'json' ? `${JSON.stringify(d)}\n` : `---\n${formatData(d, 'yaml')}`)).join('');
  }
  const rows = kind.rows(items, format === 'wide');
  const text = table(rows, (column, cell) =>
    rows[0]![column] === 'PHASE' || rows[0]![column] === 'READY' ? paintPhase(cell) : cell,
  );
  return header ? text : text.slice(text.indexOf('\n') + 1);
}

/**
 * Prints the list, then every item whose printed form changes (and items that disappear), until interrupted.
 * Polls the status queries: they are answered from workflow state and never touch a cluster.
 */
async function watch<T>(client: Client, kind: Kind<T>, format: OutputFormat): Promise<number> {
  const last = new Map<string, { item: T; text: string }>();
  let header = true;
  for (;;) {
    const items = await kind.list(client);
    const changed: T[] = [];
    const seen = new Set<string>();
    for (const item of items) {
      const key = kind.key(item);
      seen.add(key);
      const text = JSON.stringify(kind.data(item));
      if (last.get(key)?.text !== text) changed.push(item);
      last.set(key, { item, text });
    }
    for (const [key, { item }] of last) {
      if (seen.has(key)) continue;
      changed.push(kind.gone(item));
      last.delete(key);
    }
    if (changed.length > 0 || header) {
      process.stdout.write(render(kind, changed, format, header, true));
      header = false;
    }
    await new Promise((resolve) => setTimeout(resolve, WATCH_EVERY_MS));
  }
}
