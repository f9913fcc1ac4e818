// `spec.dependsOn`: Integrations that must be Running on a cluster before this one is installed (or watched) there.
// The schema checks shape and duplicates; cycles span documents, so shared/dependencies/cycles.ts finds those over
// all given files (ksit validate / apply) and the lifecycles find them at run time.
import { z } from 'zod';
import type { DependencyRef } from '../types.js';
import { dnsName, isRecord, namespaceName, strictObject } from './fields.js';

const dependency = strictObject({
  name: dnsName('an Integration name', 63),
  namespace: namespaceName.optional(),
});

export const dependsOnSchema = z
  .array(dependency)
  .max(32, 'at most 32 dependencies')
  .superRefine((deps, ctx) => {
    const seen = new Set<string>();
    deps.forEach((d, index) => {
      if (!isRecord(d)) return;
      const key = `${String(d.namespace ?? '')}/${String(d.name)}`;
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [index], message: `"${d.name}" is listed twice` });
      seen.add(key);
    });
  });

/** Dependencies with their namespace filled in (the Integration's own when left out). */
export function toDependencyRefs(deps: z.infer<typeof dependsOnSchema>, ownNamespace: string): DependencyRef[] {
  return deps.map((d) => ({ name: d.name, namespace: d.namespace ?? ownNamespace }));
}
