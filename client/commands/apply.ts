// `ksit apply -f FILE...`: validates every document first (nothing starts if any is bad), then starts or updates
// one workflow per IntegrationTarget and Integration. Re-applying an unchanged file changes nothing.
import type { Client } from '@temporalio/client';
import type { IntegrationSpec, TargetSpec } from '../../shared/types.js';
import { formatDuration } from '../../shared/spec/index.js';
import { timeoutFlag } from '../deadlines.js';
import { EXIT, KsitError } from '../errors.js';
import { KINDS } from '../kinds.js';
import { refreshIntegrations } from '../status-list.js';
import { refuseIfOwned } from '../kubernetes-owner.js';
import { connectTemporal } from '../temporal.js';
import { applyIntegration as applyIntegrationWorkflow, applyTarget as applyTargetWorkflow } from '../workflow-apply.js';
import type { Command } from './command.js';
import { waitUntilRunning } from '../wait-running.js';
import { loadValidFiles } from './spec-files.js';

const USAGE = 'ksit apply -f FILE [-f FILE...] [--wait] [--timeout 10m]';

export const applyCommand: Command = {
  summary: 'validate, then start or update Integrations and IntegrationTargets (--wait: until Running)',
  usage: USAGE,
  async run(args) {
    const loaded = await loadValidFiles('apply', args, USAGE, '; nothing was applied', {
      wait: { type: 'boolean' },
      timeout: { type: 'string' },
    });
    if (!loaded) return 0;
    const { documents, values } = loaded;
    const timeoutMs = timeoutFlag(values.timeout as string | undefined, '10m', USAGE);
    const client = await connectTemporal();
    // Targets first, so Integrations applied in the same run can resolve them.
    let targetsChanged = false;
    for (const doc of documents) {
      if (doc.kind !== 'IntegrationTarget') continue;
      const line = await applyTarget(client, doc.spec);
      targetsChanged ||= !line.endsWith('unchanged');
      printLine(line);
    }
    if (targetsChanged) await refreshIntegrations(client);
    const integrations = documents.flatMap((d) => (d.kind === 'Integration' ? [d.spec] : []));
    for (const spec of integrations) printLine(await applyIntegration(client, spec));
    if (!values.wait || integrations.length === 0) return 0;

    const outcome = await waitUntilRunning(client, integrations, timeoutMs, (line) =>
      process.stderr.write(`${line}\n`),
    );
    if (outcome === 'running') {
      printLine(`all ${integrations.length} Integration(s) Running`);
      return 0;
    }
    if (outcome === 'failed') throw new KsitError('a cluster is Failed; `ksit describe integration NAME` says why');
    throw new KsitError(`not Running within ${formatDuration(timeoutMs)}; ksit keeps working on it in the background`, {
      exitCode: EXIT.timeout,
    });
  },
};

/** Results go to stdout, one line each (progress goes to stderr). */
function printLine(line: string): void {
  process.stdout.write(`${line}\n`);
}

function applyTarget(client: Client, target: TargetSpec): Promise<string> {
  return applyTargetWorkflow(client, target, (handle) =>
    refuseIfOwned(handle, 'target', 'apply', target.namespace, target.name),
  ).then((outcome) => `${KINDS.target.printed}/${target.name} ${outcome}`);
}

function applyIntegration(client: Client, spec: IntegrationSpec): Promise<string> {
  return applyIntegrationWorkflow(client, spec, (handle) =>
    refuseIfOwned(handle, 'integration', 'apply', spec.namespace, spec.name),
  ).then((outcome) => `${KINDS.integration.printed}/${spec.name} ${outcome}`);
}
