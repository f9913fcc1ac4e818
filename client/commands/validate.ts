// `ksit validate -f FILE...`: checks spec files offline (no Temporal, no clusters) and says what each one means.
import type { LoadedDocument } from '../../shared/spec/index.js';
import type { IntegrationSpec, TargetSpec } from '../../shared/types.js';
import { formatCredentials, formatSelector, plural } from '../output.js';
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
  if (count > 0) targets.push(plural(count, 'cluster'));
  if (spec.targetSelector) targets.push(`clusters matching ${formatSelector(spec.targetSelector)}`);
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
  return `cluster ${spec.clusterName}, kubeconfig from ${formatCredentials(spec.credentials)}`;
}
