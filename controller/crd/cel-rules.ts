// The cross-field rules of shared/spec/schema.ts (its superRefine checks, which JSON Schema cannot carry), as CEL
// `x-kubernetes-validations`, so that the API server itself refuses such a spec and names the field. Keyed by the
// path of the node they sit on, from `spec` (`a.b` for properties, `[]` for list items); the generator fails when
// a path no longer exists, so a schema change cannot leave a rule behind silently. Messages follow the zod ones.
// What needs the tool registry or other objects (an install with no default chart, a missing target) is checked
// by the controller and shown as a Stalled condition with the message `ksit validate` prints.

export interface CelRule {
  rule: string;
  message: string;
  /** Where kubectl should point: a JSONPath relative to the node, e.g. `.targetClusters`. */
  fieldPath?: string;
  reason?: 'FieldValueRequired' | 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueDuplicate';
}

export const INTEGRATION_SPEC_RULES: Record<string, CelRule[]> = {
  '': [
    {
      rule: '(has(self.targetClusters) && size(self.targetClusters) > 0) || has(self.targetSelector)',
      message:
        'say which clusters: give targetClusters (cluster names) and/or targetSelector (matchLabels, matchExpressions)',
      fieldPath: '.targetClusters',
      reason: 'FieldValueRequired',
    },
    {
      rule: "self.type != 'custom' || (has(self.config) && has(self.config.components))",
      message:
        'required for type custom: list the workloads that must be ready, e.g. [{kind: Deployment, name: my-tool}]',
      fieldPath: '.config.components',
      reason: 'FieldValueRequired',
    },
  ],
  targetSelector: [
    {
      rule:
        '(has(self.matchLabels) && size(self.matchLabels) > 0) || ' +
        '(has(self.matchExpressions) && size(self.matchExpressions) > 0)',
      message: 'give matchLabels or matchExpressions; an empty selector would select every cluster',
      reason: 'FieldValueRequired',
    },
  ],
  'targetSelector.matchExpressions[]': [
    {
      rule: "!(self.operator in ['In', 'NotIn']) || (has(self.values) && size(self.values) > 0)",
      message: 'required: operators In and NotIn need at least one value',
      fieldPath: '.values',
      reason: 'FieldValueRequired',
    },
    {
      rule: "!(self.operator in ['Exists', 'DoesNotExist']) || !has(self.values)",
      message: 'must be absent with operators Exists and DoesNotExist',
      fieldPath: '.values',
      reason: 'FieldValueForbidden',
    },
  ],
  'rollout.waves[]': [
    {
      rule: 'has(self.clusters) != has(self.selector)',
      message: 'say which clusters: give clusters (target names) or selector (matchLabels, matchExpressions), not both',
      fieldPath: '.clusters',
      reason: 'FieldValueInvalid',
    },
  ],
  autoInstall: [
    {
      rule: "(has(self.enabled) && !self.enabled) || !(has(self.method) && self.method == 'helm' && has(self.manifestConfig))",
      message: 'only used with method: manifest; remove it or set method: manifest',
      fieldPath: '.manifestConfig',
      reason: 'FieldValueForbidden',
    },
    {
      rule: "(has(self.enabled) && !self.enabled) || !(has(self.method) && self.method == 'manifest' && has(self.helmConfig))",
      message: 'only used with method: helm; remove it or set method: helm',
      fieldPath: '.helmConfig',
      reason: 'FieldValueForbidden',
    },
  ],
};

export const TARGET_SPEC_RULES: Record<string, CelRule[]> = {
  '': [
    {
      rule:
        '!has(self.kubeconfigFile) || ' +
        '!(has(self.kubeconfigSecret) || has(self.kubeconfigSecretKey) || has(self.kubeconfigSecretNamespace))',
      message:
        'use either kubeconfigFile (a local file) or kubeconfigSecret/kubeconfigSecretKey/kubeconfigSecretNamespace (a Secret on the control cluster), not both',
      fieldPath: '.kubeconfigFile',
      reason: 'FieldValueForbidden',
    },
    {
      rule: '!has(self.context) || has(self.kubeconfigFile)',
      message: 'only used with kubeconfigFile; a kubeconfig Secret uses its current context',
      fieldPath: '.context',
      reason: 'FieldValueForbidden',
    },
  ],
};

/** Spec lists whose items must be unique: the API server then refuses a duplicate with its index. */
export const SET_LISTS: Record<'integration' | 'target', string[]> = {
  integration: ['targetClusters'],
  target: [],
};
