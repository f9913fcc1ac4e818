// The ksit command line: `ksit COMMAND [options]`. Each command is one file in commands/, registered below; the
// entry point is cli.ts.
import type { Command } from './commands/command.js';
import { EXIT, handleError, UsageError } from './errors.js';
import { applyGlobalFlags, GLOBAL_FLAGS_HELP } from './global-flags.js';

// Each verb's module is loaded only when it runs: `ksit get` then does not pay for the spec schema, Helm or
// client-node at start-up (see BENCHMARKS.md, listing). Only the full help loads them all, for their summaries.
const COMMANDS: Record<string, () => Promise<Command>> = {
  validate: async () => (await import('./commands/validate.js')).validateCommand,
  preflight: async () => (await import('./commands/preflight.js')).preflightCommand,
  apply: async () => (await import('./commands/apply.js')).applyCommand,
  get: async () => (await import('./commands/get.js')).getCommand,
  describe: async () => (await import('./commands/describe.js')).describeCommand,
  pause: async () => (await import('./commands/cluster-action.js')).pauseCommand,
  resume: async () => (await import('./commands/cluster-action.js')).resumeCommand,
  reinstall: async () => (await import('./commands/cluster-action.js')).reinstallCommand,
  rollout: async () => (await import('./commands/rollout.js')).rolloutCommand,
  delete: async () => (await import('./commands/delete.js')).deleteCommand,
  worker: async () => (await import('./commands/worker.js')).workerCommand,
  controller: async () => (await import('./commands/controller.js')).controllerCommand,
};

async function help(): Promise<string> {
  const names = Object.keys(COMMANDS);
  const width = Math.max(...names.map((name) => name.length));
  const commands = await Promise.all(names.map((name) => COMMANDS[name]!()));
  const lines = names.map((name, i) => `  ${name.padEnd(width)}  ${commands[i]!.summary}`);
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
    process.stdout.write(await help());
    return EXIT.ok;
  }
  if (name === undefined) {
    process.stderr.write(await help());
    return EXIT.usage;
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!load) throw new UsageError(`unknown command "${name}"; commands: ${Object.keys(COMMANDS).join(', ')}`);
  return (await load()).run(rest);
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
