// The two CustomResourceDefinitions (integrations.ksit.io, integrationtargets.ksit.io) and the admission policy,
// built from the zod schemas of shared/spec (spec) and controller/crd/status-schema.ts (status). Nothing here is
// written by hand that a schema already says: `npm run generate:crds` writes the result, a unit test compares it.
import { z } from 'zod';
import { API_VERSION, integrationDocument, targetDocument } from '../../shared/spec/index.js';
import { INTEGRATION_SPEC_RULES, SET_LISTS, TARGET_SPEC_RULES, type CelRule } from './cel-rules.js';
import { integrationStatus, targetStatus } from './status-schema.js';
import { structuralProblems, toStructuralSchema, type JsonSchema } from './structural-schema.js';

export const GROUP = API_VERSION.split('/')[0]!;
export const VERSION = API_VERSION.split('/')[1]!;

export interface KindNames {
  kind: 'Integration' | 'IntegrationTarget';
  plural: string;
  singular: string;
  shortNames: string[];
}

export const INTEGRATION_NAMES: KindNames = {
  kind: 'Integration',
  plural: 'integrations',
  singular: 'integration',
  shortNames: ['intg'],
};
export const TARGET_NAMES: KindNames = {
  kind: 'IntegrationTarget',
  plural: 'integrationtargets',
  singular: 'integrationtarget',
  shortNames: ['itarget', 'itgt'],
};

function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  // io 'input': what a user writes (a duration string), not what parsing makes of it (milliseconds).
  return z.toJSONSchema(schema, { io: 'input', target: 'openapi-3.0', unrepresentable: 'any' }) as JsonSchema;
}

/** The node at `path` (`a.b`, `a[]`) below `root`, or an error naming the path that no longer exists. */
function nodeAt(root: JsonSchema, path: string, what: string): JsonSchema {
  let node = root;
  for (const part of path.split('.').filter(Boolean)) {
    const list = part.endsWith('[]');
    const name = list ? part.slice(0, -2) : part;
    const next = (node.properties as Record<string, JsonSchema> | undefined)?.[name];
    if (!next) throw new Error(`${what}: no field ${path} in the schema (stale rule in controller/crd/cel-rules.ts?)`);
    node = list ? (next.items as JsonSchema) : next;
    if (!node) throw new Error(`${what}: ${path} is not a list`);
  }
  return node;
}

function specSchema(document: z.ZodType, rules: Record<string, CelRule[]>, sets: string[], what: string): JsonSchema {
  const doc = toStructuralSchema(jsonSchemaOf(document));
  const spec = (doc.properties as Record<string, JsonSchema>).spec;
  if (!spec) throw new Error(`${what}: the document schema has no spec`);
  for (const [path, list] of Object.entries(rules)) {
    const node = nodeAt(spec, path, what);
    node['x-kubernetes-validations'] = [...((node['x-kubernetes-validations'] as CelRule[]) ?? []), ...list];
  }
  for (const path of sets) nodeAt(spec, path, what)['x-kubernetes-list-type'] = 'set';
  return spec;
}

/** status.observedGeneration of an object the controller has not written a status for yet. */
export const NOT_OBSERVED = -1;

function crd(names: KindNames, spec: JsonSchema, status: JsonSchema, columns: object[]): object {
  const schema: JsonSchema = {
    type: 'object',
    description: `${names.kind} (${API_VERSION}); generated from ksit's zod schemas by npm run generate:crds`,
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec,
      // kstatus (Flux's health checks, Helm 4's --wait) calls an object with no status at all Current, so a
      // Kustomization with `wait: true` would pass the moment it creates an Integration, before the controller has
      // seen it. The API server fills this default into every object read without a status, which kstatus reads
      // as "generation 1 not observed yet": InProgress. Flux's own CRDs do the same.
      status: { ...status, default: { observedGeneration: NOT_OBSERVED } },
    },
    required: ['spec'],
  };
  const problems = structuralProblems(schema);
  if (problems.length > 0) throw new Error(`${names.kind}: not a structural schema: ${problems.join('; ')}`);
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${names.plural}.${GROUP}`, labels: { 'app.kubernetes.io/part-of': 'ksit' } },
    spec: {
      group: GROUP,
      scope: 'Namespaced',
      names: { ...names, listKind: `${names.kind}List`, categories: ['ksit'] },
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: columns,
          schema: { openAPIV3Schema: schema },
        },
      ],
    },
  };
}

const AGE = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };

export function integrationCrd(): object {
  const spec = specSchema(integrationDocument, INTEGRATION_SPEC_RULES, SET_LISTS.integration, 'Integration');
  return crd(INTEGRATION_NAMES, spec, toStructuralSchema(jsonSchemaOf(integrationStatus)), [
    { name: 'Type', type: 'string', jsonPath: '.spec.type' },
    { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
    { name: 'Ready', type: 'string', jsonPath: '.status.ready' },
    AGE,
    { name: 'Message', type: 'string', jsonPath: '.status.message', priority: 1 },
    { name: 'Revision', type: 'integer', jsonPath: '.status.revision', priority: 1 },
  ]);
}

export function targetCrd(): object {
  const spec = specSchema(targetDocument, TARGET_SPEC_RULES, SET_LISTS.target, 'IntegrationTarget');
  return crd(TARGET_NAMES, spec, toStructuralSchema(jsonSchemaOf(targetStatus)), [
    { name: 'Cluster', type: 'string', jsonPath: '.spec.clusterName' },
    { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
    { name: 'Version', type: 'string', jsonPath: '.status.serverVersion' },
    AGE,
    { name: 'Message', type: 'string', jsonPath: '.status.message', priority: 1 },
  ]);
}

/**
 * Rules that need the object's namespace, which a CRD's own CEL cannot see: a ValidatingAdmissionPolicy (GA since
 * Kubernetes 1.30; no webhook server) keeps every credential reference inside its tenant's namespace.
 */
export function admissionPolicy(): object[] {
  const name = 'ksit-same-namespace';
  return [
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name, labels: { 'app.kubernetes.io/part-of': 'ksit' } },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: {
          resourceRules: [
            {
              apiGroups: [GROUP],
              apiVersions: [VERSION],
              operations: ['CREATE', 'UPDATE'],
              resources: [TARGET_NAMES.plural],
            },
          ],
        },
        validations: [
          {
            expression:
              '!has(object.spec.kubeconfigSecretNamespace) || ' +
              'object.spec.kubeconfigSecretNamespace == object.metadata.namespace',
            messageExpression:
              "'spec.kubeconfigSecretNamespace: a target may only use a Secret of its own namespace (' + " +
              "object.metadata.namespace + '); create the kubeconfig Secret there, or leave the field out'",
            reason: 'Forbidden',
          },
        ],
      },
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name, labels: { 'app.kubernetes.io/part-of': 'ksit' } },
      spec: { policyName: name, validationActions: ['Deny'] },
    },
  ];
}

/**
 * ClusterRoles for people, aggregated into Kubernetes' own view/edit/admin roles: whoever may edit a namespace may
 * edit its Integrations and targets there, and no more. Bind ksit-view or ksit-edit per namespace (RoleBinding)
 * for finer grants. Status is the controller's to write: users get it read-only.
 */
export function userRoles(): object[] {
  const resources = [INTEGRATION_NAMES.plural, TARGET_NAMES.plural];
  const role = (name: string, aggregateTo: string[], rules: object[]) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: {
      name,
      labels: {
        'app.kubernetes.io/part-of': 'ksit',
        ...Object.fromEntries(aggregateTo.map((r) => [`rbac.authorization.k8s.io/aggregate-to-${r}`, 'true'])),
      },
    },
    rules,
  });
  const read = {
    apiGroups: [GROUP],
    resources: [...resources, ...resources.map((r) => `${r}/status`)],
    verbs: ['get', 'list', 'watch'],
  };
  return [
    role('ksit-view', ['view', 'edit', 'admin'], [read]),
    role(
      'ksit-edit',
      ['edit', 'admin'],
      [read, { apiGroups: [GROUP], resources, verbs: ['create', 'update', 'patch', 'delete', 'deletecollection'] }],
    ),
  ];
}
