// `ksit describe integration|target NAME [-n NAMESPACE]`: everything ksit knows about one object, kubectl-style:
// the spec in brief (never Helm values, which may hold secrets), per-cluster phase with component detail and
// reasons, recent transitions, and the Web UI link to the full history.
import type { Client } from '@temporalio/client';
import { formatDuration } from '../../shared/spec/index.js';
import type {
  ClusterStatus,
  IntegrationSpec,
  IntegrationStatus,
  TargetSpec,
  TargetStatus,
} from '../../shared/types.js';
import { integrationSpecQuery, integrationStatusQuery, targetStatusQuery } from '../../workflows/definitions.js';
import { UsageError } from '../errors.js';
import { KINDS, parseKind } from '../kinds.js';
import { withLiveChecks } from '../live-checks.js';
import { age, fields, formatCredentials, formatLabels, formatSelector, paintPhase, plural, table } from '../output.js';
import { askWorker, DEFAULT_NAMESPACE, runningHandle } from '../status-list.js';
import { connectTemporal } from '../temporal.js';
import { workflowUrl } from '../web-ui.js';
import { parseCommandArgs, printUsage, wantsHelp, type Command } from './command.js';

const USAGE = 'ksit describe integration|target NAME [-n NAMESPACE]';
const RECENT_TRANSITIONS = 5;

export const describeCommand: Command = {
  summary: 'show one Integration or target in detail, with its clusters, components and history link',
  usage: USAGE,
  async run(args) {
    if (wantsHelp(args)) return printUsage(USAGE);
    const [what, name, ...rest] = args;
    const { values } = parseCommandArgs(rest, { namespace: { type: 'string', short: 'n' } }, USAGE);
    const kind = parseKind(what, ['integration', 'target'], 'describe', USAGE);
    if (!name || name.startsWith('-')) throw new UsageError(`describe needs a NAME`, USAGE);
    const namespace = values.namespace ?? DEFAULT_NAMESPACE;
    const client = await connectTemporal();
    const describe = kind === 'integration' ? describeIntegration : describeTarget;
    process.stdout.write(await describe(client, namespace, name));
    return 0;
  },
};

function installSummary(spec: IntegrationSpec): string {
  const install = spec.install;
  if (!install) return 'off (monitor only)';
  if (install.method === 'manifest') return `manifest ${install.source}`;
  const { repository, chart, version } = install.chart;
  const values = Object.keys(install.values).length + install.setValues.length;
  // Values are summarised, never printed: they are where passwords live.
  return (
    `helm ${chart}${version ? ` ${version}` : ''}${repository ? ` from ${repository}` : ''}, ` +
    `release ${install.releaseName}, ${plural(values, 'value')} (not shown)`
  );
}

function targetsSummary(spec: IntegrationSpec): string {
  const parts = [];
  if (spec.targetClusters.length > 0) parts.push(spec.targetClusters.join(', '));
  if (spec.targetSelector) parts.push(`selector ${formatSelector(spec.targetSelector)}`);
  return parts.join('; ') || '<none>';
}

function clusterSection(c: ClusterStatus): string {
  let text = `  ${c.cluster}: ${paintPhase(c.phase)}  ${c.message}\n`;
  text += `    last check: ${c.lastCheckAt ? `${age(c.lastCheckAt)} ago (${c.lastCheckAt})` : 'none yet'}\n`;
  if (c.components.length > 0) {
    const rows = [
      ['COMPONENT', 'READY', 'STATUS'],
      ...c.components.map((component) => [
        `${component.kind}/${component.name}`,
        `${component.ready}/${component.desired}`,
        component.healthy ? 'ok' : (component.reason ?? 'not ready'),
      ]),
    ];
    text += table(rows)
      .split('\n')
      .filter(Boolean)
      .map((line) => `    ${line}\n`)
      .join('');
  }
  const recent = c.transitions.slice(-RECENT_TRANSITIONS);
  if (recent.length > 0) {
    text += `    transitions (last ${recent.length}):\n`;
    for (const t of recent) text += `      ${t.at}  ${paintPhase(t.phase)}  ${t.message}\n`;
  }
  return text;
}

async function describeIntegration(client: Client, namespace: string, name: string): Promise<string> {
  const handle = await runningHandle(client, 'integration', namespace, name);
  const [recorded, spec]: [IntegrationStatus, IntegrationSpec] = await Promise.all([
    askWorker(handle.query(integrationStatusQuery)),
    askWorker(handle.query(integrationSpecQuery)),
  ]);
  const status = await withLiveChecks(client, recorded);
  let text = fields([
    ['Name', status.name],
    ['Namespace', status.namespace],
    ['Type', status.type],
    ['Phase', paintPhase(status.phase)],
    ['Message', status.message],
    ['Paused', String(status.paused)],
    ['Age', age(status.createdAt)],
  ]);
  text += 'Spec:\n';
  text += fields(
    [
      ['Targets', targetsSummary(spec)],
      ['Tool namespace', spec.toolNamespace],
      ['Install', installSummary(spec)],
      [
        'Health check',
        `every ${formatDuration(spec.healthCheckIntervalMs)}, grace ${formatDuration(spec.gracePeriodMs)}`,
      ],
      ['Components', spec.components.map((c) => `${c.kind}/${c.name}${c.optional ? ' (optional)' : ''}`).join(', ')],
      [
        'Remediation',
        spec.remediation.reinstallAfterUnhealthyChecks
          ? `reinstall after ${spec.remediation.reinstallAfterUnhealthyChecks} unhealthy checks`
          : 'none (watch and show only)',
      ],
      ...(spec.kubeVersionRange ? ([['Kubernetes', spec.kubeVersionRange]] as [string, string][]) : []),
    ],
    '  ',
  );
  text += `Clusters (${status.clusters.length}):\n`;
  text += status.clusters.length > 0 ? status.clusters.map(clusterSection).join('') : '  <none resolved yet>\n';
  text += `History: ${workflowUrl(handle.workflowId)}\n`;
  return text;
}

async function describeTarget(client: Client, namespace: string, name: string): Promise<string> {
  const handle = await runningHandle(client, 'target', namespace, name);
  const [status, description]: [TargetStatus, Awaited<ReturnType<typeof handle.describe>>] = await Promise.all([
    askWorker(handle.query(targetStatusQuery)),
    handle.describe(),
  ]);
  const spec = description.memo?.target as TargetSpec | undefined;
  const credentials = spec?.credentials;
  const users: string[] = [];
  for await (const wf of client.workflow.list({
    query: `KsitKind = '${KINDS.integration.searchKind}' AND ExecutionStatus = 'Running' AND KsitClusters = '${name}'`,
  }))
    users.push(wf.workflowId.split('/').slice(1).join('/'));
  return fields([
    ['Name', status.name],
    ['Namespace', status.namespace],
    ['Cluster', status.clusterName],
    ['Labels', formatLabels(status.labels) || '<none>'],
    ['Credentials', credentials ? formatCredentials(credentials) : '<unknown>'],
    ['Ready', paintPhase(status.ready ? 'Ready' : 'NotReady')],
    ['Message', status.message],
    ['Server version', status.serverVersion ?? '<unknown>'],
    ['Last check', status.lastCheckAt ? `${age(status.lastCheckAt)} ago` : 'never'],
    ['Used by', users.sort().join(', ') || '<no Integration>'],
    ['History', workflowUrl(handle.workflowId)],
  ]);
}
