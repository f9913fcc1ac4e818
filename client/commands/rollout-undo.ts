// `ksit rollout undo NAME [--to-revision R]`: a rollout to an older kept revision (default: the one the current
// rollout started from), through the same waves, soaks and approvals as any change.
import { rolloutUndoUpdate } from '../../workflows/rollout/definitions.js';
import { EXIT, UsageError } from '../errors.js';
import { whoAmI } from '../who-am-i.js';
import { parseCommandArgs, type Command } from './command.js';
import { rolloutTarget, rolloutUpdate } from './rollout-target.js';

const USAGE = 'ksit rollout undo NAME [-n NAMESPACE] [--to-revision R]';

export const rolloutUndoCommand: Command = {
  summary: 'roll out an older revision again, wave by wave',
  usage: USAGE,
  async run(args) {
    const [name, ...rest] = args;
    const { values } = parseCommandArgs(
      rest,
      { namespace: { type: 'string', short: 'n' }, 'to-revision': { type: 'string' } },
      USAGE,
    );
    const raw = values['to-revision'];
    const toRevision = raw === undefined ? undefined : Number(raw);
    if (toRevision !== undefined && !(Number.isInteger(toRevision) && toRevision >= 1))
      throw new UsageError(`--to-revision "${raw}" is not a revision number (1, 2, ...)`, USAGE);
    const t = await rolloutTarget('undo', name, values.namespace, USAGE);
    const s = await rolloutUpdate('undo', t, () =>
      t.handle.executeUpdate(rolloutUndoUpdate, { args: [{ toRevision, by: whoAmI() }] }),
    );
    process.stdout.write(`integration/${t.name} rolling out revision ${s.revision} again: ${s.state}; ${s.message}\n`);
    return EXIT.ok;
  },
};
