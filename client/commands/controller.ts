// `ksit controller`: runs the Kubernetes front door in this process (settings from the environment; --help lists
// them). The global flags --address, --temporal-namespace and --task-queue set the same variables.
import { UsageError } from '../errors.js';
import { wantsHelp, type Command } from './command.js';

const USAGE = 'ksit controller   (settings are environment variables; ksit controller --help lists them)';

export const controllerCommand: Command = {
  summary: 'run the Kubernetes front door: Integration objects on the control cluster drive the workflows',
  usage: USAGE,
  async run(args) {
    if (wantsHelp(args)) {
      process.stdout.write((await import('../../controller/config.js')).controllerHelp());
      return 0;
    }
    if (args.length > 0)
      throw new UsageError(`controller takes no arguments, only environment variables: "${args[0]}"`, USAGE);
    // The controller's own entry point: it runs until it is stopped.
    await import('../../controller/main.js');
    return 0;
  },
};
