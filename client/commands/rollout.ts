// `ksit rollout VERB NAME ...`: the rollout of an Integration's latest change. Each verb is its own file; this
// table is the only place that lists them.
import { UsageError } from '../errors.js';
import type { Command } from './command.js';
import {
  rolloutAbortCommand,
  rolloutApproveCommand,
  rolloutPauseCommand,
  rolloutResumeCommand,
} from './rollout-action.js';
import { rolloutHistoryCommand } from './rollout-history.js';
import { rolloutStatusCommand } from './rollout-status.js';
import { rolloutUndoCommand } from './rollout-undo.js';

const VERBS: Record<string, Command> = {
  status: rolloutStatusCommand,
  history: rolloutHistoryCommand,
  approve: rolloutApproveCommand,
  pause: rolloutPauseCommand,
  resume: rolloutResumeCommand,
  abort: rolloutAbortCommand,
  undo: rolloutUndoCommand,
};

const USAGE = `ksit rollout ${Object.keys(VERBS).join('|')} NAME [options]`;

function help(): string {
  const width = Math.max(...Object.keys(VERBS).map((v) => v.length));
  return [
    `usage: ${USAGE}`,
    '',
    ...Object.entries(VERBS).map(
      ([verb, c]) => `  ${verb.padEnd(width)}  ${c.summary}\n  ${' '.repeat(width)}  ${c.usage}`,
    ),
    '',
  ].join('\n');
}

export const rolloutCommand: Command = {
  summary: 'wave-by-wave rollouts of spec changes: status, history, approve, pause, resume, abort, undo',
  usage: USAGE,
  async run(args) {
    const [verb, ...rest] = args;
    if (verb === undefined || verb === '--help' || verb === '-h' || rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(help());
      return 0;
    }
    const command = Object.hasOwn(VERBS, verb) ? VERBS[verb] : undefined;
    if (!command)
      throw new UsageError(`unknown rollout verb "${verb}"; verbs: ${Object.keys(VERBS).join(', ')}`, USAGE);
    return command.run(rest);
  },
};
