import type { TestWorkflowEnvironment } from '@temporalio/testing';

// Keyword = 2, KeywordList = 7 in Temporal's IndexedValueType enum.
const ATTRIBUTES: Record<string, number> = {
  KsitKind: 2,
  KsitIntegration: 2,
  KsitType: 2,
  KsitCluster: 2,
  KsitPhase: 2,
  KsitClusters: 7,
  KsitRolloutState: 2,
  KsitRolloutWave: 2,
};

/** The workflows upsert these; a server must know them first (env.sh registers them on the dev server). */
export async function registerSearchAttributes(env: TestWorkflowEnvironment): Promise<void> {
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: ATTRIBUTES,
  });
}
