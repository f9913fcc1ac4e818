// What `ksit validate` / `ksit apply` refuse about spec.dependsOn across all the files they were given: cycles
// (each named with the file of every member) and, unless allowed, dependencies on another namespace.
import type { SpecProblem } from '../spec/problems.js';
import type { IntegrationSpec } from '../types.js';
import { dependencyKey, findCycles, formatCycle } from './cycles.js';

interface Located {
  spec: IntegrationSpec;
  file: string;
  document: number;
}

/** One problem per cycle, placed on the cycle's first member; the message lists the cycle and every file in it. */
export function dependencyCycleProblems(integrations: readonly Located[]): SpecProblem[] {
  const byKey = new Map(integrations.map((doc) => [dependencyKey(doc.spec), doc]));
  const edges = new Map(
    integrations.map((doc) => [dependencyKey(doc.spec), (doc.spec.dependsOn ?? []).map(dependencyKey)]),
  );
  return findCycles(edges).map((cycle) => {
    const first = byKey.get(cycle[0] as string) as Located;
    const where = (key: string) => {
      const doc = byKey.get(key);
      return doc ? `${key} (${doc.file}#${doc.document})` : key;
    };
    const files = [...new Set(cycle.map((key) => byKey.get(key)?.file).filter((f) => f !== undefined))];
    return {
      file: first.file,
      document: first.document,
      field: 'spec.dependsOn',
      message:
        `dependency cycle: ${formatCycle(cycle, where)}; nothing in it could ever install. ` +
        `Remove one of these dependencies (files: ${files.join(', ')})`,
    };
  });
}

/** Dependencies on another namespace, refused unless `allowed` (CLI-only mode has no RBAC to ask). */
export function crossNamespaceProblems(
  integrations: readonly Located[],
  allowed: boolean,
  setting: string,
): SpecProblem[] {
  if (allowed) return [];
  return integrations.flatMap((doc) =>
    (doc.spec.dependsOn ?? []).flatMap((dep, index) =>
      dep.namespace === doc.spec.namespace
        ? []
        : [
            {
              file: doc.file,
              document: doc.document,
              field: `spec.dependsOn[${index}].namespace`,
              message:
                `depends on ${dependencyKey(dep)} in another namespace than ${doc.spec.namespace}: ` +
                `allowed only when the operator sets ${setting}=true (or through the Kubernetes front door, where RBAC decides); ` +
                `otherwise leave namespace out to depend on an Integration of the same namespace`,
            },
          ],
    ),
  );
}
