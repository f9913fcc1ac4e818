// `ksit rollout approve|pause|resume|abort NAME`: one Workflow Update each. The Integration's validator refuses
// what the rollout's state does not allow (approve with no wave waiting, resume when not paused) before anything
// is recorded.
import type { RolloutCommand } from '../../workflows/rollout/commands.js';
import { rolloutCommandUpdate } from '../../workflows/rollout/definitions.js';
import { EXIT } from '../errors.js';
import { whoAmI } from '../who-am-i.js';
import { parseCommandArgs, type Command } from './command.js';
import { rolloutTarget, rolloutUpdate } from './rollout-target.js';

function rolloutAction(command: RolloutCommand, summary: string): Command {
  const usage = `ksit rollout ${command} NAME [-n NAMESPACE]`;
  return {
    summary,
    usage,
    async run(args) {
      const [name, ...rest] = args;
      const { values } = parseCommandArgs(rest, { namespace: { type: 'string', short: 'n' } }, usage);
      const t = await rolloutTarget(command, name, values.namespace, usage);
      const s = await rolloutUpdate(command, t, () =>
        t.handle.executeUpdate(rolloutCommandUpdate, { args: [{ command, by: whoAmI() }] }),
      );
      process.stdout.write(`integration/${t.name} rollout of revision ${s.revision}: ${s.state}; ${s.message}\n`);
      return EXIT.ok;
    },
  };
}

export const rolloutApproveCommand = rolloutAction('approve', 'let the wave that waits for approval start');
export const rolloutPauseCommand = rolloutAction('pause', 'hold the rollout: no further cluster or wave moves');
export const rolloutResumeCommand = rolloutAction('resume', 'continue a paused rollout (soak time left is kept)');
export const rolloutAbortCommand = rolloutAction('abort', 'stop the rollout; clusters stay where they are');
