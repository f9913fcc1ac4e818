// Kubernetes label selectors (matchLabels, matchExpressions), as targetSelector and rollout waves write them.
import { z } from 'zod';
import { labelKey, labelMap, labelValue, strictObject } from './fields.js';

const selectorRequirement = strictObject({
  key: labelKey,
  operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
  values: z.array(labelValue).optional(),
}).superRefine((req, ctx) => {
  const needsValues = req.operator === 'In' || req.operator === 'NotIn';
  if (needsValues && !req.values?.length) {
    ctx.addIssue({
      code: 'custom',
      path: ['values'],
      message: `required: operator ${req.operator} needs at least one value`,
    });
  }
  if (!needsValues && req.values !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['values'], message: `must be absent with operator ${req.operator}` });
  }
});

export const labelSelector = strictObject({
  matchLabels: labelMap.optional(),
  matchExpressions: z.array(selectorRequirement).optional(),
}).superRefine((selector, ctx) => {
  // An empty selector matches every cluster; with autoInstall that is too easy to do by accident.
  if (Object.keys(selector.matchLabels ?? {}).length === 0 && !selector.matchExpressions?.length) {
    ctx.addIssue({
      code: 'custom',
      message: 'give matchLabels or matchExpressions; an empty selector would select every cluster',
    });
  }
});
