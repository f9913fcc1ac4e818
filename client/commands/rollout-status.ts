// `ksit rollout status NAME [-o json|yaml] [--watch] [--timeout D]`: where the latest change is on its way to the
// clusters. `-o json` prints the contract in workflows/rollout/status.ts. `--watch` prints every change and exits
// 0 when the rollout is Complete, 1 when it is RolledBack or Aborted, 4 when --timeout runs out.
import { parseDuration } from '../../shared/spec/index.js';
import { rolloutStatusQuery } from '../../workflows/rollout/definitions.js';
import type { RolloutStatus } from '../../workflows/rollout/status.js';
import { EXIT, KsitError, UsageError } from '../errors.js';
import { formatData, paintPhase, table } from '../output.js';
import { askWorker } from '../status-list.js';
import { parseCommandArgs, type Command } from './command.js';
import { rolloutTarget } from './rollout-target.js';

const USAGE = 'ksit rollout status NAME [-n NAMESPACE] [-o json|yaml] [--watch] [--timeout 10m]';
const WATCH_EVERY_MS = 2_000;

export const rolloutStatusCommand: Command = {
  summary: 'where the latest change is: state, wave, each cluster and the revision it runs',
  usage: USAGE,
  async run(args) {
    const [name, ...rest] = args;
    const { values } = parseCommandArgs(
      rest,
      {
        namespace: { type: 'string', short: 'n' },
        output: { type: 'string', short: 'o' },
        watch: { type: 'boolean', short: 'w' },
        timeout: { type: 'string' },
      },
      USAGE,
    );
    const format = values.output;
    if (format !== undefined && format !== 'json' && format !== 'yaml')
      throw new UsageError(`unknown output "${format}" (json, yaml)`, USAGE);
    const timeoutMs = values.timeout === undefined ? undefined : parseDuration(values.timeout);
    if (values.timeout !== undefined && timeoutMs === undefined)
      throw new UsageError(`--timeout "${values.timeout}" is not a duration like 90s or 10m`, USAGE);
    const t = await rolloutTarget('status', name, values.namespace, USAGE);
    const ask = async () => {
      const s = await askWorker(t.handle.query(rolloutStatusQuery));
      if (!s) throw new KsitError(`integration ${t.namespace}/${t.name} has no revision yet`);
      return s;
    };
    const print = (s: RolloutStatus) =>
      process.stdout.write(
        format ? (values.watch && format === 'json' ? `${JSON.stringify(s)}\n` : formatData(s, format)) : render(s),
      );
    if (!values.watch) {
      print(await ask());
      return EXIT.ok;
    }
    const deadline = timeoutMs === undefined ? Infinity : Date.now() + timeoutMs;
    let last = '';
    for (;;) {
      const s = await ask();
      const text = JSON.stringify(s);
      if (text !== last) print(s);
      last = text;
      if (s.state === 'Complete') return EXIT.ok;
      if (s.state === 'RolledBack' || s.state === 'Aborted') return EXIT.failure;
      if (Date.now() >= deadline) {
        throw new KsitError(`rollout still ${s.state} after --timeout ${values.timeout}`, { exitCode: EXIT.timeout });
      }
      await new Promise((resolve) => setTimeout(resolve, WATCH_EVERY_MS));
    }
  },
};

export function render(s: RolloutStatus): string {
  const wave = s.wave.total > 0 ? `wave ${s.wave.index}/${s.wave.total} ${s.wave.name}` : 'no waves';
  const head =
    `integration/${s.name}: revision ${s.revision} (from ${s.previousRevision})   ${paintPhase(s.state)}   ${wave}\n` +
    `${s.message}\n\n`;
  const rows = [
    ['CLUSTER', 'WAVE', 'REVISION', 'PHASE'],
    ...s.clusters.map((c) => [c.name, c.wave, String(c.revision ?? '-'), c.phase]),
  ];
  return head + table(rows, (column, cell) => (column === 3 ? paintPhase(cell) : cell));
}
