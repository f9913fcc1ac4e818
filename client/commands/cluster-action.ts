// `ksit pause|resume|reinstall integration NAME [--cluster C] [-n NAMESPACE]`: one Workflow Update each. The
// Integration's validator rejects what cannot be done (unknown cluster, reinstall without autoInstall) before
// anything is recorded, and the CLI prints its reason.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { pauseUpdate, reinstallUpdate, resumeUpdate, type ClusterScope } from '../../workflows/definitions.js';
import { KsitError, UsageError } from '../errors.js';
import { parseKind } from '../kinds.js';
import { refuseIfOwned } from '../kubernetes-owner.js';
import { DEFAULT_NAMESPACE, runningHandle } from '../status-list.js';
import { connectTemporal } from '../temporal.js';
import { parseCommandArgs, printUsage, wantsHelp, type Command } from './command.js';

type ClusterUpdate = UpdateDefinition<{ clusters: string[] }, [ClusterScope]>;

function clusterAction(
  verb: 'pause' | 'resume' | 'reinstall',
  update: ClusterUpdate,
  summary: string,
  done: string,
): Command {
  const usage = `ksit ${verb} integration NAME [--cluster CLUSTER] [-n NAMESPACE]`;
  return {
    summary,
    usage,
    async run(args) {
      if (wantsHelp(args)) return printUsage(usage);
      const [what, name, ...rest] = args;
      const { values } = parseCommandArgs(
        rest,
        { cluster: { type: 'string', short: 'c' }, namespace: { type: 'string', short: 'n' } },
        usage,
      );
      parseKind(what, ['integration'], verb, usage);
      if (!name || name.startsWith('-')) throw new UsageError(`${verb} needs an Integration NAME`, usage);
      const namespace = values.namespace ?? DEFAULT_NAMESPACE;
      const client = await connectTemporal();
      const handle = await runningHandle(client, 'integration', namespace, name);
      await refuseIfOwned(handle, 'integration', verb, namespace, name);
      const scope: ClusterScope = values.cluster ? { cluster: values.cluster } : {};
      let clusters: string[];
      try {
        ({ clusters } = await handle.executeUpdate(update, { args: [scope] }));
      } catch (err) {
        if (err instanceof WorkflowUpdateFailedError)
          throw new KsitError(`cannot ${verb} integration ${namespace}/${name}: ${err.cause?.message ?? err.message}`);
        throw err;
      }
      const where = clusters.length > 0 ? clusters.join(', ') : 'no clusters yet';
      process.stdout.write(`integration/${name} ${done} (${where})\n`);
      return 0;
    },
  };
}

export const pauseCommand = clusterAction(
  'pause',
  pauseUpdate,
  'stop health checks and installs for an Integration, or one of its clusters',
  'paused',
);
export const resumeCommand = clusterAction('resume', resumeUpdate, 'restart what pause stopped', 'resumed');
export const reinstallCommand = clusterAction(
  'reinstall',
  reinstallUpdate,
  'install the tool again on every cluster of an Integration, or one',
  'reinstalling',
);
