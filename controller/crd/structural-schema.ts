// zod 4's JSON Schema (z.toJSONSchema, OpenAPI 3.0 flavour) -> a Kubernetes *structural* schema, which the API
// server demands of every CRD: no $ref, a type on every node (or x-kubernetes-preserve-unknown-fields), unions
// only as value checks, free-form maps kept as preserved unknown fields. Pure: the CRD generator and its drift test
// both call it, so what is committed is exactly what the schemas say.

import { DURATION_META_KEY } from '../../shared/spec/fields.js';

export type JsonSchema = Record<string, unknown>;

/** Formats the API server knows (k8s.io/apiextensions-apiserver); others would only draw warnings. */
const KUBE_FORMATS = new Set([
  'int32',
  'int64',
  'float',
  'double',
  'byte',
  'date',
  'date-time',
  'uri',
  'email',
  'uuid',
]);
/** zod's int() bounds: JavaScript's safe-integer range, meaningless to Kubernetes (int64) and noisy in a CRD. */
const SAFE_INTEGER = Number.MAX_SAFE_INTEGER;
/** Keys that carry over unchanged from a zod node to the structural one. */
const VALUE_KEYS = [
  'description',
  'enum',
  'pattern',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'uniqueItems',
  'nullable',
  'default',
] as const;

/** Go/CEL duration syntax as ksit's parseDuration reads it: "30s", "1m30s", "500ms", "1.5h". */
// `[.]`, not `\.`: the same text goes into a CEL string literal, where `\.` is no valid escape.
export const DURATION_PATTERN = '^([0-9]+([.][0-9]+)?(ms|h|m|s))+$';

export class SchemaConversionError extends Error {}

/** `node` without `keys`. */
function omit(node: JsonSchema, ...keys: string[]): JsonSchema {
  return Object.fromEntries(Object.entries(node).filter(([key]) => !keys.includes(key)));
}

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEmptySchema(value: unknown): boolean {
  return isSchema(value) && Object.keys(value).filter((k) => k !== 'description').length === 0;
}

/** Replaces `$ref`s by what they point at (zod emits them for shared or recursive schemas). */
function inlineRefs(node: unknown, defs: Record<string, unknown>, seen: string[] = []): unknown {
  if (Array.isArray(node)) return node.map((item) => inlineRefs(item, defs, seen));
  if (!isSchema(node)) return node;
  if (typeof node.$ref === 'string') {
    const name = node.$ref.replace(/^#\/(\$defs|definitions|components\/schemas)\//, '');
    if (seen.includes(name))
      throw new SchemaConversionError(`recursive schema ${name}: Kubernetes schemas cannot recurse`);
    const target = defs[name];
    if (!target) throw new SchemaConversionError(`unresolved $ref ${node.$ref}`);
    return inlineRefs({ ...(target as JsonSchema), ...omit(node, '$ref') }, defs, [...seen, name]);
  }
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, inlineRefs(v, defs, seen)]));
}

/** `{anyOf: [X, {type: null}]}` and friends -> X with nullable; other unions -> one node of the branches' type. */
function flattenUnion(node: JsonSchema): JsonSchema {
  const branches = (node.anyOf ?? node.oneOf) as JsonSchema[] | undefined;
  if (!branches) return node;
  const rest = omit(node, 'anyOf', 'oneOf');
  const nonNull = branches.filter((b) => b.type !== 'null');
  const nullable = nonNull.length < branches.length || rest.nullable === true;
  const merged: JsonSchema =
    nonNull.length === 1
      ? { ...nonNull[0], ...rest }
      : { ...mergeBranches(nonNull), ...rest, description: rest.description };
  if (merged.description === undefined) delete merged.description;
  if (nullable) merged.nullable = true;
  return merged;
}

/**
 * Branches of one type merge into one node (object branches: the union of their properties; their own checks are
 * dropped, as a structural schema cannot say "one of these shapes"); `int | string` becomes int-or-string;
 * anything else is kept as free-form data.
 */
function mergeBranches(branches: JsonSchema[]): JsonSchema {
  const types = new Set(branches.map((b) => b.type));
  if (types.size === 1 && types.has('object')) {
    const properties: Record<string, unknown> = {};
    for (const b of branches) Object.assign(properties, b.properties ?? {});
    return { type: 'object', properties };
  }
  if (types.size === 1 && (types.has('string') || types.has('boolean'))) {
    const enums = branches.flatMap((b) => (Array.isArray(b.enum) ? b.enum : b.const !== undefined ? [b.const] : []));
    const allEnums = branches.every((b) => Array.isArray(b.enum) || b.const !== undefined);
    return { type: [...types][0], ...(allEnums ? { enum: [...new Set(enums)] } : {}) };
  }
  if ([...types].every((t) => t === 'integer' || t === 'string') && types.size === 2)
    return { 'x-kubernetes-int-or-string': true };
  return { 'x-kubernetes-preserve-unknown-fields': true };
}

/** The node with `type` first: the generated YAML reads like a hand-written CRD. */
function typeFirst(node: JsonSchema): JsonSchema {
  if (node.type === undefined) return node;
  const { type, ...rest } = node;
  return { type, ...rest };
}

function convertNode(raw: JsonSchema, path: string): JsonSchema {
  return typeFirst(convertChecks(raw, path));
}

function convertChecks(raw: JsonSchema, path: string): JsonSchema {
  const node = flattenUnion(raw);
  if (node.allOf) {
    // zod puts a second pattern (or any further check) of one string into allOf: value checks only, which a
    // structural schema allows as long as the types agree.
    const parts = (node.allOf as JsonSchema[]).map((p) => convertNode(p, path));
    const rest = omit(node, 'allOf');
    const base = convertNode({ ...rest, type: rest.type ?? parts[0]?.type }, path);
    const checks = parts.map((part) => omit(part, 'type', 'description', 'nullable'));
    return checks.length > 0 ? { ...base, allOf: checks } : base;
  }
  if (node.not !== undefined) throw new SchemaConversionError(`${path}: "not" has no structural form`);

  const out: JsonSchema = {};
  for (const key of VALUE_KEYS) if (node[key] !== undefined) out[key] = node[key];
  if (node.const !== undefined) out.enum = [node.const];
  if (typeof node.format === 'string' && KUBE_FORMATS.has(node.format)) out.format = node.format;
  if (out.minimum === -SAFE_INTEGER) delete out.minimum;
  if (out.maximum === SAFE_INTEGER) delete out.maximum;

  // zod's `.meta({...})` keys that start with x-kubernetes- are passed through as written.
  for (const [key, value] of Object.entries(node)) if (key.startsWith('x-kubernetes-')) out[key] = value;

  if (typeof node[DURATION_META_KEY] === 'number') {
    out.pattern = DURATION_PATTERN;
    out.maxLength ??= 64;
    const min = node[DURATION_META_KEY] as number;
    if (min > 0) {
      out['x-kubernetes-validations'] = [
        ...((out['x-kubernetes-validations'] as unknown[]) ?? []),
        {
          // A string that is no duration at all fails the pattern; then this rule must not fail a second time.
          rule: `!self.matches('${DURATION_PATTERN}') || duration(self) >= duration('${min}ms')`,
          message: `must be at least ${formatMs(min)}`,
        },
      ];
    }
  }

  const type = node.type;
  if (type === undefined || isEmptySchema(node)) {
    if (out['x-kubernetes-int-or-string']) return out;
    // z.unknown() / z.any(): free-form data, kept as written.
    return { ...out, 'x-kubernetes-preserve-unknown-fields': true };
  }
  if (Array.isArray(type)) throw new SchemaConversionError(`${path}: several types ${type.join(', ')}`);
  out.type = type;

  if (type === 'object') {
    const properties = node.properties as Record<string, JsonSchema> | undefined;
    const additional = node.additionalProperties;
    if (properties && Object.keys(properties).length > 0) {
      // A ksit object lists its fields; zod's loose objects say `additionalProperties: {}` only so that they can
      // report unknown keys themselves. The API server prunes unknown keys (and kubectl refuses them, --validate).
      out.properties = Object.fromEntries(
        Object.entries(properties).map(([name, child]) => [name, convertNode(child, `${path}.${name}`)]),
      );
      if (Array.isArray(node.required) && node.required.length > 0) out.required = node.required;
    } else if (additional === undefined || additional === true || isEmptySchema(additional)) {
      // A free-form map (Helm values): anything goes, kept as written.
      out['x-kubernetes-preserve-unknown-fields'] = true;
    } else if (isSchema(additional)) {
      out.additionalProperties = convertNode(additional, `${path}[*]`);
    }
    return out;
  }
  if (type === 'array') {
    const items = node.items;
    if (!isSchema(items)) throw new SchemaConversionError(`${path}: an array needs one item schema`);
    out.items = convertNode(items, `${path}[]`);
    return out;
  }
  return out;
}

function formatMs(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1_000 === 0) return `${ms / 1_000}s`;
  return `${ms}ms`;
}

/** The structural form of one JSON Schema document (its $defs inlined). */
export function toStructuralSchema(schema: JsonSchema): JsonSchema {
  const defs = { ...((schema.$defs as JsonSchema) ?? {}), ...((schema.definitions as JsonSchema) ?? {}) };
  const root = omit(schema, '$defs', 'definitions', '$schema', '$id');
  return convertNode(inlineRefs(root, defs) as JsonSchema, '');
}

/**
 * Problems that would make the API server refuse the schema as non-structural; empty when it is fine. A cheap
 * check run by the generator, so that a schema change that cannot become a CRD fails in the unit tests, with the
 * path, rather than at `kubectl apply` time.
 */
export function structuralProblems(node: JsonSchema, path = ''): string[] {
  const problems: string[] = [];
  const preserve = node['x-kubernetes-preserve-unknown-fields'] === true || node['x-kubernetes-int-or-string'] === true;
  if (node.$ref !== undefined) problems.push(`${path || '<root>'}: $ref`);
  if (node.type === undefined && !preserve) problems.push(`${path || '<root>'}: no type`);
  if (node.properties !== undefined && node.additionalProperties !== undefined)
    problems.push(`${path}: both properties and additionalProperties`);
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    for (const branch of (node[key] as JsonSchema[] | undefined) ?? []) {
      for (const banned of ['type', 'properties', 'items', 'additionalProperties', 'nullable', 'default'])
        if (branch[banned] !== undefined) problems.push(`${path}: ${key} branch sets ${banned}`);
    }
  }
  for (const [name, child] of Object.entries((node.properties as Record<string, JsonSchema>) ?? {}))
    problems.push(...structuralProblems(child, `${path}.${name}`));
  if (isSchema(node.items)) problems.push(...structuralProblems(node.items, `${path}[]`));
  if (isSchema(node.additionalProperties))
    problems.push(...structuralProblems(node.additionalProperties, `${path}[*]`));
  return problems;
}
