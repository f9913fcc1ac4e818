import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { RolloutCommand } from './commands.js';
import type { RevisionEntry } from './revisions.js';
import type { RolloutStatus } from './status.js';

// The rollout's wire contract with the CLI (and the Kubernetes front door). Names are part of it.

/** `ksit rollout status -o json`: null until the Integration has a revision. */
export const rolloutStatusQuery = defineQuery<RolloutStatus | null>('rolloutStatus');

export interface RolloutHistory {
  revisions: RevisionEntry[];
  /** The revision the current (or last) rollout moves clusters to. */
  current: number;
}
export const rolloutHistoryQuery = defineQuery<RolloutHistory>('rolloutHistory');

export interface RolloutCommandRequest {
  command: RolloutCommand;
  by?: string;
}
/** approve, pause, resume, abort; the validator refuses what the rollout's state does not allow. */
export const rolloutCommandUpdate = defineUpdate<RolloutStatus, [RolloutCommandRequest]>('rolloutCommand');

export interface RolloutUndoRequest {
  /** Absent: the revision the current rollout started from. */
  toRevision?: number;
  by?: string;
}
/** A rollout to an older revision, through the same waves as any other. */
export const rolloutUndoUpdate = defineUpdate<RolloutStatus, [RolloutUndoRequest]>('rolloutUndo');
