import type { Client } from '@temporalio/client';
import type { LabelSelector, TargetSpec } from '../shared/types.js';
import { matchesLabelSelector } from '../shared/label-selector.js';
import { targetTenancyProblem } from '../shared/tenancy.js';
import { pickTarget, targetFromWorkflow } from './target-memo.js';
import { classifyKubeError } from './errors.js';
import type { ClusterClients } from './kube/cluster-clients.js';
import { withTimeout } from './kube/request-options.js';

export interface TargetProbe {
  server: string;
  serverVersion: string;
}

/** Connectivity and version of one target cluster. */
export async function probeTarget(clients: ClusterClients, target: TargetSpec): Promise<TargetProbe> {
  const client = await clients.get(target.credentials);
  try {
    const version = await client.version.getCode(withTimeout(10_000));
    return { server: client.server, serverVersion: version.gitVersion };
  } catch (err) {
    throw classifyKubeError(err, target.clusterName, 'reading the server version');
  }
}

export interface ResolveTargetsInput {
  namespace: string;
  names: string[];
  selector?: LabelSelector;
}

export interface ResolvedTargets {
  targets: TargetSpec[];
  /** Names the Integration lists that no registered IntegrationTarget has (or that several answer to, explained). */
  missing: string[];
}

/**
 * Finds registered IntegrationTargets (running target workflows; their memo holds the spec, references only)
 * by name or label selector. Names match metadata.name or clusterName, as the seed's users wrote either; a name
 * that two targets answer to resolves to none of them (see pickTarget).
 */
export async function resolveTargets(
  temporal: Client,
  input: ResolveTargetsInput,
  taskQueue: string,
): Promise<ResolvedTargets> {
  const all: TargetSpec[] = [];
  // Only this task queue's targets: the workers and clients of one queue share a codec key, while other queues'
  // workflows (other deployments, tests) may carry memos this worker cannot, and should not, decode.
  const query = `KsitKind = 'target' AND ExecutionStatus = 'Running' AND TaskQueue = '${taskQueue.replace(/'/g, '')}'`;
  for await (const wf of temporal.workflow.list({ query })) {
    const spec = targetFromWorkflow({ workflowId: wf.workflowId, type: wf.type, memo: await wf.memo });
    if (spec && !targetTenancyProblem(input.namespace, spec.namespace)) all.push(spec);
  }
  const chosen = new Map<string, TargetSpec>();
  const missing: string[] = [];
  for (const name of input.names) {
    const t = pickTarget(all, name);
    if (typeof t === 'object') chosen.set(t.name, t);
    else missing.push(t ?? name);
  }
  if (input.selector) {
    for (const t of all) if (matchesLabelSelector(t.labels, input.selector)) chosen.set(t.name, t);
  }
  return { targets: [...chosen.values()].sort((a, b) => a.name.localeCompare(b.name)), missing };
}
