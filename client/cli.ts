#!/usr/bin/env node
// The ksit command line: `ksit COMMAND [options]`. Each command is one file in commands/, registered below.
import { applyCommand } from './commands/apply.js';
import { getCommand } from './commands/get.js';
import { validateCommand } from './commands/validate.js';
import type { Command } from './commands/command.js';
import { EXIT, handleError, UsageError } from './errors.js';

const COMMANDS: Record<string, Command> = {
  apply: applyCommand,
  get: getCommand,
  validate: validateCommand,
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
    'KSIT_DEBUG=1 prints stack traces for unexpected errors.',
    '',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
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

// Exit as soon as the command is done: an unanswered query's RPC must not keep the process alive. But only once
// stdout and stderr are flushed: into a pipe, a long list of problems is still being written when the command
// returns, and exiting then cut it short (seen with the malformed-spec corpus under test/faults/corpus/).
const flushed = (stream: NodeJS.WriteStream) => new Promise<void>((resolve) => stream.write('', () => resolve()));
const exit = (code: number) =>
  void Promise.all([flushed(process.stdout), flushed(process.stderr)]).then(() => process.exit(code));
main(process.argv.slice(2)).then(exit, (error: unknown) => exit(handleError(error)));
