// When an Integration resolves its targets again: pure, so the main loop only waits.

/**
 * Targets are re-resolved this often, a safety net: both front doors (`ksit apply` / `ksit delete` of a target, the
 * controller's target reconcile) tell every Integration to resolve at once when targets change. Each resolve is an
 * activity with a visibility list and about 11 history events, so the 5 minutes of runs recorded before the patch
 * `ksit-resolve-timer` were 3 lists a second at rest for 1,000 Integrations, and half of a 2-hour soak's
 * Integration history.
 */
export const RESOLVE_EVERY_MS = 30 * 60_000;
export const RESOLVE_EVERY_MS_BEFORE_PATCH = 5 * 60_000;
const MISSING_FIRST_RETRY_MS = 5_000;
const MISSING_MAX_RETRY_MS = 5 * 60_000;

/**
 * How long until the next resolve. A target named in the spec but not (yet) registered (`missingChecks` resolves in
 * a row found it missing) is looked for again after 5 s, doubling up to 5 minutes; otherwise after `everyMs`.
 */
export function nextResolveMs(missingChecks: number, everyMs: number): number {
  return missingChecks > 0
    ? Math.min(MISSING_MAX_RETRY_MS, MISSING_FIRST_RETRY_MS * 2 ** (missingChecks - 1))
    : everyMs;
}
