import type { LabelSelector } from './types.js';

/** Kubernetes label-selector semantics: every matchLabels pair and every expression must hold. */
export function matchesLabelSelector(labels: Record<string, string>, selector: LabelSelector): boolean {
  const pairs = Object.entries(selector.matchLabels ?? {});
  if (!pairs.every(([k, v]) => labels[k] === v)) return false;
  return (selector.matchExpressions ?? []).every((e) => {
    const has = Object.hasOwn(labels, e.key);
    const value = labels[e.key];
    switch (e.operator) {
      case 'In':
        return has && (e.values ?? []).includes(value ?? '');
      case 'NotIn':
        return !has || !(e.values ?? []).includes(value ?? '');
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
    }
  });
}
