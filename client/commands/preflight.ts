// `ksit preflight -f FILE...`: for each Integration in the files, runs only the preflight checks on every cluster
// it would target (API reachable, Kubernetes version, namespace, RBAC), prints a checklist, and changes nothing.
// Targets in the same files count, so a new cluster can be checked before it is applied.
import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import type { IntegrationSpec, TargetSpec } from '../../shared/types.js';
import type { PreflightReport } from '../../workflows/preflight-workflow.js';
import { KsitError } from '../errors.js';
import { useColour } from '../output.js';
import { connectTemporal, taskQueue } from '../temporal.js';
import type { Command } from './command.js';
import { loadValidFiles } from './spec-files.js';

const USAGE = 'ksit preflight -f FILE [-f FILE...]';
/** A preflight is a few API calls per cluster; this long means no worker took it. */
const PREFLIGHT_TIMEOUT = '2 minutes';

export const preflightCommand: Command = {
  summary: 'check that the clusters of Integrations in files are ready for them, changing nothing',
  usage: USAGE,
  async run(args) {
    const loaded = await loadValidFiles('preflight', args, USAGE);
    if (!loaded) return 0;
    const { documents } = loaded;
    const specs: IntegrationSpec[] = [];
    const targets: TargetSpec[] = [];
    for (const doc of documents) {
      if (doc.kind === 'Integration') specs.push(doc.spec);
      else targets.push(doc.spec);
    }
    if (specs.length === 0) throw new KsitError('no Integration in the files: preflight checks Integrations');
    const client = await connectTemporal();
    let allOk = true;
    for (const spec of specs) {
      let preflight: PreflightReport;
      try {
        preflight = await client.workflow.execute('preflightWorkflow', {
          taskQueue: taskQueue(),
          workflowId: `preflight/${spec.namespace}/${spec.name}/${randomUUID().slice(0, 8)}`,
          args: [{ spec, extraTargets: targets }],
          workflowExecutionTimeout: PREFLIGHT_TIMEOUT,
        });
      } catch (err) {
        if (err instanceof WorkflowFailedError && err.cause?.name === 'TimeoutFailure')
          throw new KsitError(
            `no ksit worker ran the preflight within ${PREFLIGHT_TIMEOUT}; is one running on task queue "${taskQueue()}"?`,
          );
        throw err;
      }
      const { text, ok } = checklist(spec, preflight);
      process.stdout.write(text);
      allOk &&= ok;
    }
    return allOk ? 0 : 1;
  },
};

function mark(ok: boolean): string {
  const word = ok ? ' ok ' : 'FAIL';
  return useColour() ? `[\u001b[${ok ? 32 : 31}m${word}\u001b[0m]` : `[${word}]`;
}

/** The printed checklist of one Integration, and whether every check passed. */
export function checklist(spec: IntegrationSpec, preflight: PreflightReport): { text: string; ok: boolean } {
  let ok = preflight.missing.length === 0 && preflight.clusters.length > 0;
  let text = `integration ${spec.namespace}/${spec.name} (${spec.type}${spec.install ? ', autoInstall' : ', monitor only'})\n`;
  if (preflight.clusters.length === 0) text += `  ${mark(false)} no target cluster matches this Integration\n`;
  for (const name of preflight.missing)
    text += `  ${mark(false)} target ${name}: no IntegrationTarget of that name is applied or in the files\n`;
  for (const c of preflight.clusters) {
    text += `  ${c.cluster}\n`;
    if (c.error !== undefined) {
      ok = false;
      text += `    ${mark(false)} cluster: ${c.error}\n`;
      continue;
    }
    for (const check of c.result?.checks ?? []) {
      ok &&= check.ok;
      text += `    ${mark(check.ok)} ${check.name}: ${check.detail}\n`;
    }
  }
  text += ok ? '  ready\n' : '  not ready: fix the failed checks above\n';
  return { text, ok };
}
