// What an Integration shows outside its queries: the `KsitPhase` / `KsitClusters` search attributes (for
// `temporal workflow list` and the Web UI) and the listing memo `ksit get` reads the fleet from. Both are written
// only when they change, so an unchanged Integration adds no history events.
import { upsertMemo, upsertSearchAttributes } from '@temporalio/workflow';
import { LISTING_MEMO_KEY, listingMemoOf } from '../../shared/listing-memo.js';
import type { IntegrationSpec, IntegrationStatus } from '../../shared/types.js';
import { KsitClusters, KsitIntegration, KsitKind, KsitPhase, KsitType } from '../search-attributes.js';

/** What this workflow is, for `temporal workflow list` queries: set once, at the start of every run. */
export function publishIdentity(spec: IntegrationSpec): void {
  upsertSearchAttributes([
    { key: KsitKind, value: 'integration' },
    { key: KsitIntegration, value: `${spec.namespace}/${spec.name}` },
    { key: KsitType, value: spec.type },
  ]);
}

export function createPublisher(
  status: () => IntegrationStatus,
  clusters: () => string[],
  /** False for runs recorded before the listing memo existed (they replay without it). */
  withListing: boolean,
) {
  let lastPhase = '';
  let lastListing = '';
  return {
    /** Something published would change. (Evaluated on every wake-up test of the main loop: one status each.) */
    changed(): boolean {
      const now = status();
      return now.phase !== lastPhase || (withListing && JSON.stringify(listingMemoOf(now)) !== lastListing);
    },
    publish(): void {
      const now = status();
      if (withListing) {
        const memo = listingMemoOf(now);
        const listing = JSON.stringify(memo);
        if (listing !== lastListing) {
          lastListing = listing;
          upsertMemo({ [LISTING_MEMO_KEY]: memo });
        }
      }
      const phase = now.phase;
      if (phase === lastPhase) return;
      lastPhase = phase;
      upsertSearchAttributes([
        { key: KsitPhase, value: phase },
        { key: KsitClusters, value: clusters() },
      ]);
    },
  };
}
