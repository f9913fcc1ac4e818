// The dependency's side of spec.dependsOn, inside its Integration workflow: keeps the lifecycles that registered
// as dependents (per cluster, across continue-as-new) and sends each a report whenever what it would be told
// changes: the dependency's phase on that cluster, its freshness after a spec change, its targets, its deletion.
// Nothing is sent per health check: lifecycles only report transitions, and a report goes out only when it differs
// from the last one sent.
import { getExternalWorkflowHandle, setHandler } from '@temporalio/workflow';
import type { ClusterStatus, IntegrationSpec } from '../../shared/types.js';
import { without } from './dependent-link.js';
import { dependencyReport } from './report.js';
import { dependencyReportSignal, registerDependentSignal, unregisterDependentSignal } from './signals.js';
import { specDigest } from './spec-digest.js';
import type { DependencyHubMemory, DependencyReport, DependentRegistration } from './types.js';

export interface HubView {
  spec(): IntegrationSpec;
  clusters(): Readonly<Record<string, ClusterStatus>>;
  children(): Readonly<Record<string, string>>;
  missing(): readonly string[];
  deleting(): boolean;
}

export function createDependencyHub(memory: DependencyHubMemory, view: HubView) {
  /** Dependent workflow id -> the last report sent to it (this run only: after continue-as-new, all go out once). */
  const sent = new Map<string, string>();

  setHandler(registerDependentSignal, (reg: DependentRegistration) => {
    const dependents = { ...memory.dependents };
    dependents[reg.cluster] = { ...dependents[reg.cluster], [reg.workflowId]: reg };
    memory.dependents = dependents;
    sent.delete(reg.workflowId);
  });
  setHandler(unregisterDependentSignal, (reg: DependentRegistration) => {
    forget(reg.cluster, reg.workflowId);
  });

  function forget(cluster: string, workflowId: string): void {
    const rest = without(memory.dependents?.[cluster], workflowId);
    const dependents = { ...memory.dependents, [cluster]: rest };
    if (Object.keys(rest).length === 0) delete dependents[cluster];
    memory.dependents = dependents;
    sent.delete(workflowId);
  }

  function outbox(): { workflowId: string; cluster: string; report: DependencyReport; text: string }[] {
    const out: { workflowId: string; cluster: string; report: DependencyReport; text: string }[] = [];
    const dependents = memory.dependents ?? {};
    if (Object.keys(dependents).length === 0) return out;
    const spec = view.spec();
    const currentDigest = specDigest(spec);
    for (const [cluster, byId] of Object.entries(dependents)) {
      const report = dependencyReport({
        spec,
        cluster,
        status: view.clusters()[cluster],
        targeted: view.children()[cluster] !== undefined,
        targetsResolved: !!memory.targetsResolved,
        targetMissing: view.missing().includes(cluster),
        deleting: view.deleting(),
        currentDigest,
      });
      const text = JSON.stringify(report);
      for (const workflowId of Object.keys(byId)) {
        if (sent.get(workflowId) !== text) out.push({ workflowId, cluster, report, text });
      }
    }
    return out;
  }

  return {
    /** Some dependent has not been told what it would be told now. */
    dirty: (): boolean => outbox().length > 0,
    /** Tells every dependent whose report changed; forgets dependents that no longer exist. */
    async flush(): Promise<void> {
      await Promise.all(
        outbox().map(async ({ workflowId, cluster, report, text }) => {
          sent.set(workflowId, text);
          try {
            await getExternalWorkflowHandle(workflowId).signal(dependencyReportSignal, report);
          } catch {
            forget(cluster, workflowId);
          }
        }),
      );
    },
    /** The Integration resolved its targets: from now on a cluster it has no lifecycle on is "not targeted". */
    targetsResolved(): void {
      memory.targetsResolved = true;
    },
    /** Dependents registered on a cluster (namespace/name), installed ones only if asked. */
    dependentsOn(cluster: string, installedOnly = false): string[] {
      const regs = Object.values(memory.dependents?.[cluster] ?? {}).filter((r) => !installedOnly || r.installed);
      return [...new Set(regs.map((r) => r.dependent))].sort();
    },
    /** For the status: cluster -> dependents, or undefined when there are none. */
    summary(): Record<string, string[]> | undefined {
      const entries = Object.keys(memory.dependents ?? {})
        .sort()
        .map((cluster) => [cluster, this.dependentsOn(cluster)] as const)
        .filter(([, names]) => names.length > 0);
      return entries.length > 0 ? Object.fromEntries(entries) : undefined;
    },
  };
}

export type DependencyHub = ReturnType<typeof createDependencyHub>;
