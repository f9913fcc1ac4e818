// What the controller writes into `status` of the two kinds, as zod schemas: the CRDs' status schemas are generated
// from them like the specs are, and the controller's status objects are typed by them. Conventions are Flux's and
// kstatus's (sigs.k8s.io/cli-utils): observedGeneration, and conditions Ready / Reconciling / Stalled.
import { z } from 'zod';

export const condition = z.object({
  type: z.string().min(1).max(316),
  status: z.enum(['True', 'False', 'Unknown']),
  observedGeneration: z.int().min(0).optional(),
  lastTransitionTime: z.string().meta({ format: 'date-time' }),
  reason: z.string().min(1).max(1024),
  message: z.string().max(32768),
});
export type Condition = z.infer<typeof condition>;

const clusterEntry = z.object({
  name: z.string(),
  phase: z.string(),
  message: z.string(),
  lastTransitionTime: z.string().meta({ format: 'date-time' }).optional(),
  /** The spec generation this cluster's phase was observed at; Running at an older one does not count. */
  observedGeneration: z.int().min(0).optional(),
});
export type ClusterEntry = z.infer<typeof clusterEntry>;

const conditions = z.array(condition).meta({
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': ['type'],
});

/**
 * -1 until the controller has observed a generation: the CRDs default a missing status to it (see crd-manifests.ts),
 * so that kstatus calls a brand-new object InProgress instead of Current.
 */
const objectObservedGeneration = z.int().min(-1).optional();

export const integrationStatus = z.object({
  observedGeneration: objectObservedGeneration,
  conditions: conditions.optional(),
  phase: z.string().optional(),
  message: z.string().optional(),
  /** "Running clusters/all clusters", the READY column. */
  ready: z.string().optional(),
  /** The spec revision the clusters run (the generation the workflow accepted last). */
  revision: z.int().min(0).optional(),
  clusters: z.array(clusterEntry).optional(),
  /** The Temporal workflow that does the work, to find its history. */
  workflowId: z.string().optional(),
  /** The reinstall request (annotation ksit.io/reinstall-requested-at) handled last, as Flux's lastHandledReconcileAt. */
  lastHandledReinstallAt: z.string().optional(),
});
export type IntegrationStatusCR = z.infer<typeof integrationStatus>;

export const targetStatus = z.object({
  observedGeneration: objectObservedGeneration,
  conditions: conditions.optional(),
  serverVersion: z.string().optional(),
  lastProbeTime: z.string().meta({ format: 'date-time' }).optional(),
  message: z.string().optional(),
  workflowId: z.string().optional(),
});
export type TargetStatusCR = z.infer<typeof targetStatus>;
