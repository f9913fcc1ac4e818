// `ksit rollout history NAME [-o json|yaml]`: the kept revisions (the last 10), who made each and what it
// installs. Never the spec itself: Helm values may hold secrets, so only their digest is shown.
import { rolloutHistoryQuery } from '../../workflows/rollout/definitions.js';
import { EXIT, UsageError } from '../errors.js';
import { formatData, table } from '../output.js';
import { askWorker } from '../status-list.js';
import { parseCommandArgs, type Command } from './command.js';
import { rolloutTarget } from './rollout-target.js';

const USAGE = 'ksit rollout history NAME [-n NAMESPACE] [-o json|yaml]';

export const rolloutHistoryCommand: Command = {
  summary: 'the kept revisions: who, when, chart version and values digest',
  usage: USAGE,
  async run(args) {
    const [name, ...rest] = args;
    const { values } = parseCommandArgs(
      rest,
      { namespace: { type: 'string', short: 'n' }, output: { type: 'string', short: 'o' } },
      USAGE,
    );
    const format = values.output;
    if (format !== undefined && format !== 'json' && format !== 'yaml')
      throw new UsageError(`unknown output "${format}" (json, yaml)`, USAGE);
    const t = await rolloutTarget('history', name, values.namespace, USAGE);
    const history = await askWorker(t.handle.query(rolloutHistoryQuery));
    if (format) {
      process.stdout.write(formatData(history, format));
      return EXIT.ok;
    }
    const rows = [
      ['REVISION', 'CHART', 'VERSION', 'VALUES', 'BY', 'AT'],
      ...history.revisions.map((r) => [
        `${r.revision}${r.revision === history.current ? '*' : ''}`,
        r.summary.chart ?? '-',
        r.summary.chartVersion ?? '-',
        r.summary.valuesDigest ?? '-',
        r.by,
        r.at,
      ]),
    ];
    process.stdout.write(table(rows));
    process.stdout.write('* the revision of the current (or last) rollout\n');
    return EXIT.ok;
  },
};
