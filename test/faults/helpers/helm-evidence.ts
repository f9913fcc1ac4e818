// Evidence of (re)installs, from both sides: Helm's own view of a release on the real cluster, and the install
// activities a lifecycle workflow scheduled (its history).
import type { Client } from '@temporalio/client';
import { execa } from 'execa';
import { getCluster, type LocalEnvironment, toolEnv } from '../../e2e/env/environment.js';

export interface HelmRelease {
  name: string;
  status: string;
  revision: string;
  chart: string;
}

/** `helm list -a` in one namespace: every release whatever its state (pending-*, failed, superseded...). */
export async function helmList(env: LocalEnvironment, cluster: string, namespace: string): Promise<HelmRelease[]> {
  const { kubeconfig } = getCluster(cluster, env);
  const { stdout } = await execa('helm', ['list', '-a', '-n', namespace, '-o', 'json', '--kubeconfig', kubeconfig], {
    env: toolEnv(env),
  });
  return JSON.parse(stdout) as HelmRelease[];
}

/** How many installTool activities the workflow's current run scheduled at or after `since`. */
export async function installsScheduledSince(client: Client, workflowId: string, since: Date): Promise<number> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).filter((e) => {
    if (e.activityTaskScheduledEventAttributes?.activityType?.name !== 'installTool') return false;
    const seconds = Number(e.eventTime?.seconds ?? 0);
    return seconds * 1000 >= since.getTime();
  }).length;
}
