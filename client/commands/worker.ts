// `ksit worker`: runs a worker in this process. Its settings are environment variables (--help lists them); the
// global flags --address, --temporal-namespace and --task-queue set the same variables.
import { UsageError } from '../errors.js';
import { wantsHelp, type Command } from './command.js';

const USAGE = 'ksit worker   (settings are environment variables; ksit worker --help lists them)';

export const workerCommand: Command = {
  summary: 'run a worker: it does the installs and health checks (settings from the environment)',
  usage: USAGE,
  async run(args) {
    if (wantsHelp(args)) {
      process.stdout.write((await import('../../workers/config.js')).workerHelp());
      return 0;
    }
    if (args.length > 0)
      throw new UsageError(`worker takes no arguments, only environment variables: "${args[0]}"`, USAGE);
    // The worker's own entry point: it runs until SIGTERM/SIGINT and ends the process itself.
    await import('../../workers/main.js');
    return 0;
  },
};
