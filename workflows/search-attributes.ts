import { defineSearchAttributeKey } from '@temporalio/common';

// The one list of ksit's search attributes. Everything that registers them reads KSIT_SEARCH_ATTRIBUTES:
// deploy/local/env.sh (through deploy/local/environment.ts), the Helm chart's hook Job and docker-compose's setup
// service (workers/register-search-attributes.ts) and the workflow tests. `ksit get` filters on them.
export const KsitKind = defineSearchAttributeKey('KsitKind', 'KEYWORD');
export const KsitIntegration = defineSearchAttributeKey('KsitIntegration', 'KEYWORD');
export const KsitType = defineSearchAttributeKey('KsitType', 'KEYWORD');
export const KsitCluster = defineSearchAttributeKey('KsitCluster', 'KEYWORD');
export const KsitClusters = defineSearchAttributeKey('KsitClusters', 'KEYWORD_LIST');
export const KsitPhase = defineSearchAttributeKey('KsitPhase', 'KEYWORD');
/** The Integration's rollout: its state (Progressing, Paused, RolledBack, ...) and the wave it is at. */
export const KsitRolloutState = defineSearchAttributeKey('KsitRolloutState', 'KEYWORD');
export const KsitRolloutWave = defineSearchAttributeKey('KsitRolloutWave', 'KEYWORD');

export const KSIT_SEARCH_ATTRIBUTES = [
  KsitKind,
  KsitIntegration,
  KsitType,
  KsitCluster,
  KsitClusters,
  KsitPhase,
  KsitRolloutState,
  KsitRolloutWave,
];
