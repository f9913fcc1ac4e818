// Deleting an Integration in reverse dependency order: with `--uninstall`, a cluster where a dependent is still
// installed gets the delete request marked `heldBy` those dependents (its lifecycle shows that and waits); as they
// leave, the request is sent again without them. `--force` (a second delete may add it) uninstalls at once.
import { condition } from '@temporalio/workflow';
import type { DeleteRequest } from '../definitions.js';
import type { DependencyHub } from './hub.js';

export interface RemoveContext {
  hub: DependencyHub;
  children(): Readonly<Record<string, string>>;
  /** The current delete request (a later `delete --force` replaces it). */
  request(): DeleteRequest;
  send(cluster: string, request: DeleteRequest): Promise<void>;
  /** How long to wait for clusters that are not held before giving up on them. */
  waitMs: number;
}

export function requestFor(req: DeleteRequest, heldBy: string[]): DeleteRequest {
  if (!req.uninstall || req.force || heldBy.length === 0) return { uninstall: req.uninstall, force: req.force };
  return { uninstall: true, heldBy };
}

export async function removeClusters(ctx: RemoveContext): Promise<void> {
  const sent = new Map<string, string>();
  const deadline = Date.now() + ctx.waitMs;
  const outgoing = () =>
    Object.keys(ctx.children())
      .sort()
      .map((cluster) => {
        const request = requestFor(ctx.request(), ctx.hub.dependentsOn(cluster, true));
        return { cluster, request, text: JSON.stringify(request) };
      })
      .filter(({ cluster, text }) => sent.get(cluster) !== text);
  const held = () =>
    Object.keys(ctx.children()).some(
      (cluster) => (requestFor(ctx.request(), ctx.hub.dependentsOn(cluster, true)).heldBy ?? []).length > 0,
    );
  for (;;) {
    await Promise.all(
      outgoing().map(async ({ cluster, request, text }) => {
        sent.set(cluster, text);
        await ctx.send(cluster, request);
      }),
    );
    await ctx.hub.flush();
    const done = () => Object.keys(ctx.children()).length === 0;
    const wake = () => done() || outgoing().length > 0 || ctx.hub.dirty();
    // A held cluster waits as long as its dependents stay; the others get the usual time limit.
    const woke = held() ? (await condition(wake), true) : await condition(wake, Math.max(1, deadline - Date.now()));
    if (done()) {
      await ctx.hub.flush();
      return;
    }
    if (!woke) return;
  }
}
