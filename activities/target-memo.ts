import { z } from 'zod';
import { credentialTenancyProblem } from '../shared/tenancy.js';
import type { TargetSpec } from '../shared/types.js';
import { workflowIds } from '../workflows/definitions.js';

// A target workflow's memo is read back as the target's spec; anything that can start a workflow with the right
// search attribute could plant one. Only a targetWorkflow whose id matches its memo's spec, and whose spec has the
// shape ksit writes and follows the tenancy rules, counts as a registered IntegrationTarget.
const name = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/)
  .max(253);
const memoSchema = z.object({
  name,
  namespace: name.max(63),
  clusterName: name,
  labels: z.record(z.string(), z.string()),
  credentials: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('secret'), namespace: name.max(63), name, key: z.string().regex(/^[-._a-zA-Z0-9]+$/) }),
    z.object({ kind: z.literal('file'), path: z.string().min(1), context: z.string().min(1).optional() }),
  ]),
});

export interface ListedWorkflow {
  workflowId: string;
  type: string;
  memo?: Record<string, unknown>;
}

/** The target a listed workflow stands for, or undefined when it is not a genuine target workflow. */
export function targetFromWorkflow(wf: ListedWorkflow): TargetSpec | undefined {
  if (wf.type !== 'targetWorkflow') return undefined;
  const parsed = memoSchema.safeParse(wf.memo?.target);
  if (!parsed.success) return undefined;
  const spec = parsed.data as TargetSpec;
  if (wf.workflowId !== workflowIds.target(spec.namespace, spec.name)) return undefined;
  if (credentialTenancyProblem(spec.namespace, spec.credentials)) return undefined;
  return spec;
}

/**
 * The one target a name in an Integration means: metadata.name first, else clusterName. A name that two targets
 * answer to is an error, not a silent pick: the returned string says which targets and how to choose.
 */
export function pickTarget(all: TargetSpec[], wanted: string): TargetSpec | string | undefined {
  const byName = all.find((t) => t.name === wanted);
  const byCluster = all.filter((t) => t.clusterName === wanted && t !== byName);
  const matches = byName ? [byName, ...byCluster] : byCluster;
  if (matches.length > 1) {
    const names = matches.map((t) => t.name).sort();
    return `"${wanted}" (ambiguous: targets ${names.join(', ')} all answer to it; name one by its metadata.name)`;
  }
  return matches[0];
}
