// The ksit command line: `ksit COMMAND [options]`. Each command is one file in commands/, registered below; the
// entry point is cli.ts.
import { applyCommand } from './commands/apply.js';
import { controllerCommand } from './commands/controller.js';
import { pauseCommand, reinstallCommand, resumeCommand } from './commands/cluster-action.js';
import type { Command } from './commands/command.js';
import { deleteCommand } from './commands/delete.js';
import { describeCommand } from './commands/describe.js';
import { getCommand } from './commands/get.js';
import { preflightCommand } from './commands/preflight.js';
import { validateCommand } from './commands/validate.js';
import { workerCommand } from './commands/worker.js';
import { EXIT, handleError, UsageError } from './errors.js';
import { applyGlobalFlags, GLOBAL_FLAGS_HELP } from './global-flags.js';

const COMMANDS: Record<string, Command> = {
  validate: validateCommand,
  preflight: preflightCommand,
  apply: applyCommand,
  get: getCommand,
  describe: describeCommand,
  pause: pauseCommand,
  resume: resumeCommand,
  reinstall: reinstallCommand,
  delete: deleteCommand,
  worker: workerCommand,
  controller: controllerCommand,
};

function help(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`);
  return [
    'ksit: install and watch DevOps tools across many Kubernetes clusters',
    '',
    'usage: ksit COMMAND [options]        (ksit COMMAND --help for its options)',
    '',
    'commands:',
    ...lines,
    '',
    'global options:',
    ...GLOBAL_FLAGS_HELP,
    '',
    'exit codes: 0 ok, 1 failed, 2 bad usage, 3 Temporal unreachable, 4 timed out waiting.',
    'KSIT_DEBUG=1 prints stack traces for unexpected errors.',
    '',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = applyGlobalFlags(argv);
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help());
    return EXIT.ok;
  }
  if (name === undefined) {
    process.stderr.write(help());
    return EXIT.usage;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) throw new UsageError(`unknown command "${name}"; commands: ${Object.keys(COMMANDS).join(', ')}`);
  return command.run(rest);
}

// `ksit validate ... | head` closes stdout early; that is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? EXIT.ok);
});

// Exit as soon as the command is done (an unanswered query's RPC must not keep the process alive), but only once
// both pipes are flushed: process.exit drops what is still queued, and a long problem list is exactly that.
const flushed = (stream: NodeJS.WriteStream) => new Promise<void>((resolve) => stream.write('', () => resolve()));
const exit = (code: number) =>
  void Promise.all([flushed(process.stdout), flushed(process.stderr)]).then(() => process.exit(code));
main(process.argv.slice(2)).then(exit, (error: unknown) => exit(handleError(error)));
