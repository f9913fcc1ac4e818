// Dependency cycles among Integrations, found over a graph of "namespace/name" keys. Pure; used by `ksit validate`
// and `ksit apply` over all given files, and by the lifecycles at run time (see upstream.ts).
import type { DependencyRef } from '../types.js';

export const dependencyKey = (ref: DependencyRef): string => `${ref.namespace}/${ref.name}`;

/** How a dependency is shown: its name, or namespace/name when it lives in another namespace than `from`. */
export function dependencyLabel(ref: DependencyRef, fromNamespace: string): string {
  return ref.namespace === fromNamespace ? ref.name : dependencyKey(ref);
}

/**
 * The cycles a depth-first search meets (at least one in every group of Integrations that wait for each other in
 * a circle), each as the keys along it starting at its smallest key, each once. Keys with no entry in `edges`
 * have no dependencies. O(nodes + edges).
 */
export function findCycles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const found = new Map<string, string[]>();
  const done = new Set<string>();
  const stack: string[] = [];
  const onStack = new Set<string>();

  const visit = (key: string): void => {
    if (onStack.has(key)) {
      const cycle = stack.slice(stack.indexOf(key));
      const rotated = rotateToSmallest(cycle);
      found.set(rotated.join('\u0000'), rotated);
      return;
    }
    if (done.has(key)) return;
    stack.push(key);
    onStack.add(key);
    for (const next of edges.get(key) ?? []) visit(next);
    stack.pop();
    onStack.delete(key);
    done.add(key);
  };
  for (const key of [...edges.keys()].sort()) visit(key);
  return [...found.values()].sort((a, b) => a.join(' ').localeCompare(b.join(' ')));
}

function rotateToSmallest(cycle: string[]): string[] {
  let start = 0;
  cycle.forEach((key, i) => {
    if (key < (cycle[start] as string)) start = i;
  });
  return [...cycle.slice(start), ...cycle.slice(0, start)];
}

/** `a -> b -> c -> a`, each key shown with `label` (e.g. the file it comes from). */
export function formatCycle(cycle: readonly string[], label: (key: string) => string = (k) => k): string {
  return [...cycle, cycle[0] as string].map(label).join(' -> ');
}
