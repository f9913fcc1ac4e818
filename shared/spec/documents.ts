// One parsed YAML document -> a normalized Integration or IntegrationTarget, or the problems that stop it.
// Dispatches on apiVersion/kind first so a wrong kind gets one clear message instead of a dozen field errors.
import { credentialTenancyProblem } from '../tenancy.js';
import type { IntegrationSpec, TargetSpec } from '../types.js';
import { describeValue, isRecord, specErrorMap } from './fields.js';
import { toIntegrationSpec, toTargetSpec } from './normalize.js';
import type { FieldProblem } from './problems.js';
import { API_VERSION, integrationDocument, KINDS, targetDocument } from './schema.js';

export type ValidDocument =
  { kind: 'Integration'; spec: IntegrationSpec } | { kind: 'IntegrationTarget'; spec: TargetSpec };

export type DocumentResult = { ok: true; document: ValidDocument } | { ok: false; problems: FieldProblem[] };

function fail(...problems: FieldProblem[]): DocumentResult {
  return { ok: false, problems };
}

export function validateDocument(value: unknown): DocumentResult {
  if (!isRecord(value)) {
    return fail({
      path: [],
      message: `expected a mapping with apiVersion, kind, metadata and spec; got ${describeValue(value)}`,
    });
  }
  const header: FieldProblem[] = [];
  if (value.apiVersion === undefined) header.push({ path: ['apiVersion'], message: `required: ${API_VERSION}` });
  else if (value.apiVersion !== API_VERSION) {
    header.push({ path: ['apiVersion'], message: `expected ${API_VERSION}, got ${describeValue(value.apiVersion)}` });
  }
  if (value.kind === undefined) header.push({ path: ['kind'], message: `required: one of ${KINDS.join(', ')}` });
  else if (!KINDS.includes(value.kind as never)) {
    header.push({
      path: ['kind'],
      message: `unknown kind ${describeValue(value.kind)}; expected one of ${KINDS.join(', ')}`,
    });
  }
  if (header.length > 0) return fail(...header);

  if (value.kind === 'IntegrationTarget') {
    const parsed = targetDocument.safeParse(value, { error: specErrorMap });
    if (!parsed.success) return fail(...parsed.error.issues.map(toProblem));
    const spec = toTargetSpec(parsed.data);
    const tenancy = credentialTenancyProblem(spec.namespace, spec.credentials);
    if (tenancy) return fail({ path: ['spec', 'kubeconfigSecretNamespace'], message: `${tenancy}; leave it out` });
    return { ok: true, document: { kind: 'IntegrationTarget', spec } };
  }
  const parsed = integrationDocument.safeParse(value, { error: specErrorMap });
  if (!parsed.success) return fail(...parsed.error.issues.map(toProblem));
  return { ok: true, document: { kind: 'Integration', spec: toIntegrationSpec(parsed.data) } };
}

function toProblem(issue: { path: PropertyKey[]; message: string }): FieldProblem {
  return { path: issue.path, message: issue.message };
}
