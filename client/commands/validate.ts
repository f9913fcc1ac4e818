// `ksit validate -f FILE...`: checks spec files offline (no Temporal, no clusters) and says what each one means.
import type { LoadedDocument } from '../../shared/spec/index.js';
import type { IntegrationSpec, LabelSelector, TargetSpec } from '../../shared/types.js';
import type { Command } from './command.js';
import { loadValidFiles } from './spec-files.js';

const USAGE = 'ksit validate -f FILE [-f FILE...]   (FILE may be a directory of .yaml files)';

export const validateCommand: Command = {
  summary: 'check Integration and IntegrationTarget files without changing anything',
  usage: USAGE,
  async run(args) {
    const loaded = await loadValidFiles('validate', args, USAGE);
    if (!loaded) return 0;
    for (const doc of loaded.documents) process.stdout.write(`${summarize(doc)}\n`);
    return 0;
  },
};

function summarize(doc: LoadedDocument): string {
  const where = `${doc.file}#${doc.document}`;
  const id = `${doc.kind} ${doc.spec.namespace}/${doc.spec.name}`;
  const what = doc.kind === 'Integration' ? describeIntegration(doc.spec) : describeTarget(doc.spec);
  return `ok  ${where}  ${id}  ${what}`;
}

export function describeIntegration(spec: IntegrationSpec): string {
  const targets: string[] = [];
  const count = spec.targetClusters.length;
  if (count > 0) targets.push(`${count} cluster${count === 1 ? '' : 's'}`);
  if (spec.targetSelector) targets.push(`clusters matching ${describeSelector(spec.targetSelector)}`);
  const install = spec.install;
  const how =
    install === undefined
      ? 'monitor only'
      : install.method === 'helm'
        ? `helm ${install.chart.chart}${install.chart.version ? `@${install.chart.version}` : ''}`
        : `manifest ${install.source}`;
  return `${spec.type} -> ${targets.join(' + ')}, ${how}${spec.enabled ? '' : ' (disabled)'}`;
}

export function describeTarget(spec: TargetSpec): string {
  const { credentials } = spec;
  const source =
    credentials.kind === 'secret'
      ? `Secret ${credentials.namespace}/${credentials.name} key ${credentials.key}`
      : `file ${credentials.path}${credentials.context ? ` context ${credentials.context}` : ''}`;
  return `cluster ${spec.clusterName}, kubeconfig from ${source}`;
}

/** kubectl's selector syntax: `env=prod,tier in (a,b),!legacy`. */
function describeSelector(selector: LabelSelector): string {
  const parts = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`);
  for (const req of selector.matchExpressions ?? []) {
    if (req.operator === 'Exists') parts.push(req.key);
    else if (req.operator === 'DoesNotExist') parts.push(`!${req.key}`);
    else parts.push(`${req.key} ${req.operator.toLowerCase()} (${(req.values ?? []).join(',')})`);
  }
  return parts.join(',');
}
