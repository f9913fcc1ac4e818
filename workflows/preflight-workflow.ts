import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import { matchesLabelSelector } from '../shared/label-selector.js';
import type { IntegrationSpec, TargetSpec } from '../shared/types.js';
import type { Activities } from '../activities/index.js';
import type { PreflightResult } from '../activities/preflight.js';
import { clusterActivities } from './activity-proxies.js';

export interface PreflightInput {
  spec: IntegrationSpec;
  /** Targets from the same file(s) as the Integration: they win over registered ones of the same name. */
  extraTargets: TargetSpec[];
}

export interface ClusterPreflight {
  cluster: string;
  result?: PreflightResult;
  /** Set when the cluster could not be checked at all (unreachable, bad credentials). */
  error?: string;
}

export interface PreflightReport {
  clusters: ClusterPreflight[];
  /** Target names the Integration lists that neither Temporal nor the files know. */
  missing: string[];
}

// A preflight is a question the user is waiting on: retry a blip once, then answer.
const quick = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1s', maximumAttempts: 2 },
});

/**
 * `ksit preflight`: runs only the preflight checks of an Integration on each cluster it would target, changing
 * nothing. A workflow (not a local call) so that it runs where the real installs run, with the same credentials.
 */
export async function preflightWorkflow(input: PreflightInput): Promise<PreflightReport> {
  const { spec } = input;
  const registered = await clusterActivities.resolveTargets({
    namespace: spec.namespace,
    names: spec.targetClusters,
    selector: spec.targetSelector,
  });
  const chosen = new Map(registered.targets.map((t) => [t.name, t]));
  for (const t of input.extraTargets) {
    const named = spec.targetClusters.includes(t.name) || spec.targetClusters.includes(t.clusterName);
    const selected = spec.targetSelector !== undefined && matchesLabelSelector(t.labels, spec.targetSelector);
    if (t.namespace === spec.namespace && (named || selected)) chosen.set(t.name, t);
  }
  const missing = registered.missing.filter(
    (name) => ![...chosen.values()].some((t) => t.name === name || t.clusterName === name),
  );
  const targets = [...chosen.values()].sort((a, b) => a.name.localeCompare(b.name));
  const clusters = await Promise.all(
    targets.map(async (t): Promise<ClusterPreflight> => {
      try {
        const result = await quick.preflightCluster({
          cluster: t.name,
          credentials: t.credentials,
          namespace: spec.toolNamespace,
          kubeVersionRange: spec.kubeVersionRange,
          install: spec.install !== undefined,
          readsEndpoints: spec.components.some((c) => c.kind === 'Service'),
          probesServices: spec.healthEndpoint !== undefined,
        });
        return { cluster: t.name, result };
      } catch (err) {
        const cause = err instanceof ActivityFailure ? err.cause : err;
        return {
          cluster: t.name,
          error: cause instanceof ApplicationFailure || cause instanceof Error ? cause.message : String(cause),
        };
      }
    }),
  );
  return { clusters, missing };
}
