import { defineSearchAttributeKey } from '@temporalio/common';

// Registered on the server by deploy/local/env.sh (and the Helm chart's setup job); `ksit get` filters on them.
export const KsitKind = defineSearchAttributeKey('KsitKind', 'KEYWORD');
export const KsitIntegration = defineSearchAttributeKey('KsitIntegration', 'KEYWORD');
export const KsitType = defineSearchAttributeKey('KsitType', 'KEYWORD');
export const KsitCluster = defineSearchAttributeKey('KsitCluster', 'KEYWORD');
export const KsitClusters = defineSearchAttributeKey('KsitClusters', 'KEYWORD_LIST');
export const KsitPhase = defineSearchAttributeKey('KsitPhase', 'KEYWORD');
/** The Integration's rollout: its state (Progressing, Paused, RolledBack, ...) and the wave it is at. */
export const KsitRolloutState = defineSearchAttributeKey('KsitRolloutState', 'KEYWORD');
export const KsitRolloutWave = defineSearchAttributeKey('KsitRolloutWave', 'KEYWORD');
