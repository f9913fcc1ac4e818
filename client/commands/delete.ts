// `ksit delete integration NAME [--uninstall]` and `ksit delete target NAME`: ask the workflow to finish and wait
// until it has (uninstalls included), so that when the command returns the object is really gone.
import type { Client } from '@temporalio/client';
import type { IntegrationStatus, TargetStatus } from '../../shared/types.js';
import { deleteSignal, deleteTargetSignal } from '../../workflows/definitions.js';
import { timeoutFlag, withDeadline } from '../deadlines.js';
import { EXIT, KsitError, UsageError } from '../errors.js';
import { KINDS, parseKind } from '../kinds.js';
import { refuseIfOwned } from '../kubernetes-owner.js';
import { DEFAULT_NAMESPACE, refreshIntegrations, runningHandle } from '../status-list.js';
import { connectTemporal } from '../temporal.js';
import { parseCommandArgs, printUsage, wantsHelp, type Command } from './command.js';

const USAGE =
  'ksit delete integration NAME [--uninstall] [-n NAMESPACE] [--timeout 15m]\n' +
  '       ksit delete target NAME [-n NAMESPACE] [--timeout 15m]';

export const deleteCommand: Command = {
  summary: 'stop managing an Integration (optionally uninstalling it) or remove a target',
  usage: USAGE,
  async run(args) {
    if (wantsHelp(args)) return printUsage(USAGE);
    const [what, name, ...rest] = args;
    const { values } = parseCommandArgs(
      rest,
      { uninstall: { type: 'boolean' }, namespace: { type: 'string', short: 'n' }, timeout: { type: 'string' } },
      USAGE,
    );
    const kind = parseKind(what, ['integration', 'target'], 'delete', USAGE);
    if (!name || name.startsWith('-')) throw new UsageError('delete needs a NAME', USAGE);
    if (kind === 'target' && values.uninstall) throw new UsageError('--uninstall applies to integrations only', USAGE);
    const timeoutMs = timeoutFlag(values.timeout, '15m', USAGE);
    const namespace = values.namespace ?? DEFAULT_NAMESPACE;
    const client = await connectTemporal();
    if (kind === 'integration') return deleteIntegration(client, namespace, name, values.uninstall ?? false, timeoutMs);
    return deleteTarget(client, namespace, name, timeoutMs);
  },
};

/** The workflow's result, or exit code 4 once `ms` have passed (the deletion itself goes on). */
function resultWithin<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  const stillGoing = () =>
    new KsitError(`${what} is still in progress after ${Math.round(ms / 1000)}s; it goes on in the background`, {
      exitCode: EXIT.timeout,
    });
  return withDeadline(promise, ms, stillGoing);
}

async function deleteIntegration(
  client: Client,
  namespace: string,
  name: string,
  uninstall: boolean,
  timeoutMs: number,
): Promise<number> {
  const handle = await runningHandle(client, 'integration', namespace, name);
  await refuseIfOwned(handle, 'integration', uninstall ? 'delete-uninstall' : 'delete', namespace, name);
  await handle.signal(deleteSignal, { uninstall });
  process.stderr.write(`deleting integration/${name}${uninstall ? ', uninstalling from its clusters' : ''}...\n`);
  const final = (await resultWithin(handle.result(), timeoutMs, `deleting ${namespace}/${name}`)) as IntegrationStatus;
  for (const c of final.clusters) process.stdout.write(`  ${c.cluster}: ${c.message}\n`);
  process.stdout.write(`${KINDS.integration.printed}/${name} deleted\n`);
  return final.clusters.some((c) => c.phase === 'Failed') ? 1 : 0;
}

async function deleteTarget(client: Client, namespace: string, name: string, timeoutMs: number): Promise<number> {
  const handle = await runningHandle(client, 'target', namespace, name);
  await refuseIfOwned(handle, 'target', 'delete', namespace, name);
  await handle.signal(deleteTargetSignal);
  (await resultWithin(handle.result(), timeoutMs, `deleting target ${namespace}/${name}`)) as TargetStatus;
  // Integrations drop a cluster when they next resolve their targets; tell them to do it now.
  await refreshIntegrations(client);
  process.stdout.write(`${KINDS.target.printed}/${name} deleted\n`);
  return 0;
}
