// The CRDs are generated from the zod schemas: committed files must match what the schemas say today, and the
// generated schemas must be structural (the API server refuses others). The post-processor's rules, one by one.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { integrationCrd, NOT_OBSERVED, targetCrd } from '../../../controller/crd/crd-manifests.js';
import { renderCrdFiles } from '../../../controller/crd/render-crds.js';
import {
  DURATION_PATTERN,
  structuralProblems,
  toStructuralSchema,
  type JsonSchema,
} from '../../../controller/crd/structural-schema.js';
import { duration } from '../../../shared/spec/fields.js';
import { PROJECT_ROOT } from '../spec/fixture-paths.js';

const toJson = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { io: 'input', target: 'openapi-3.0', unrepresentable: 'any' }) as JsonSchema;
const openApi = (crd: object) =>
  (crd as { spec: { versions: { schema: { openAPIV3Schema: JsonSchema } }[] } }).spec.versions[0]!.schema
    .openAPIV3Schema;
const props = (node: JsonSchema) => node.properties as Record<string, JsonSchema>;

describe('generated CRDs', () => {
  it('the committed files are what the schemas generate (else: npm run generate:crds)', () => {
    for (const [path, text] of Object.entries(renderCrdFiles())) {
      const committed = readFileSync(join(PROJECT_ROOT, path), 'utf8');
      expect({ path, text: committed }).toEqual({ path, text });
    }
  });

  it('are structural, with every spec field of the zod schema', () => {
    for (const crd of [integrationCrd(), targetCrd()]) expect(structuralProblems(openApi(crd))).toEqual([]);
    const spec = props(props(openApi(integrationCrd())).spec!);
    expect(Object.keys(spec)).toEqual(
      expect.arrayContaining(['type', 'targetClusters', 'targetSelector', 'autoInstall', 'config', 'suspend']),
    );
    // Helm values are free-form and kept as written.
    const helm = props(props(spec.autoInstall!).helmConfig!);
    expect(helm.values).toMatchObject({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
    expect(spec.deletionPolicy).toEqual({ type: 'string', enum: ['Orphan', 'Uninstall'] });
  });

  // kstatus calls an object without a status Current: without this default, a Flux Kustomization with wait: true
  // was Ready the moment it created an Integration (seen with real Flux in test/e2e/frontdoor-flux.test.ts).
  it('a new object reads back as not observed yet: status defaults to observedGeneration -1, which validates', () => {
    for (const crd of [integrationCrd(), targetCrd()]) {
      const status = props(openApi(crd)).status!;
      expect(status.default).toEqual({ observedGeneration: NOT_OBSERVED });
      const observed = props(status).observedGeneration!;
      expect(observed.type).toBe('integer');
      expect(observed.minimum).toBeLessThanOrEqual(NOT_OBSERVED);
    }
  });

  it('durations get the pattern and, with a minimum, a CEL rule', () => {
    const interval = props(props(props(openApi(integrationCrd())).spec!).config!).healthCheckInterval!;
    expect(interval.pattern).toBe(DURATION_PATTERN);
    expect(interval['x-kubernetes-validations']).toEqual([
      expect.objectContaining({ rule: expect.stringContaining("duration(self) >= duration('1000ms')") }),
    ]);
    expect(toStructuralSchema(toJson(duration(0)))['x-kubernetes-validations']).toBeUndefined();
  });
});

describe('toStructuralSchema', () => {
  it('turns nullish into nullable and unknown into preserved fields', () => {
    const out = toStructuralSchema(toJson(z.object({ a: z.string().nullish(), b: z.unknown() })));
    expect(props(out).a).toEqual({ type: 'string', nullable: true });
    expect(props(out).b).toEqual({ 'x-kubernetes-preserve-unknown-fields': true });
  });

  it('drops the additionalProperties of loose objects but keeps typed maps', () => {
    const out = toStructuralSchema(toJson(z.looseObject({ m: z.record(z.string(), z.int()) })));
    expect(out.additionalProperties).toBeUndefined();
    expect(props(out).m).toEqual({ type: 'object', additionalProperties: { type: 'integer' } });
  });

  it('inlines shared schemas instead of $ref', () => {
    const shared = z.object({ x: z.string() }).meta({ id: 'Shared' });
    const out = toStructuralSchema(toJson(z.object({ a: shared, b: shared })));
    expect(props(out).a).toEqual({ type: 'object', properties: { x: { type: 'string' } }, required: ['x'] });
    expect(JSON.stringify(out)).not.toContain('$ref');
  });

  it('merges unions: literals to an enum, objects to their properties, int|string to int-or-string', () => {
    const out = toStructuralSchema(
      toJson(
        z.object({
          e: z.union([z.literal('a'), z.literal('b')]),
          o: z.union([z.object({ p: z.string() }), z.object({ q: z.boolean() })]),
          n: z.union([z.int(), z.string()]),
          x: z.union([z.boolean(), z.array(z.string())]),
        }),
      ),
    );
    expect(props(out).e).toEqual({ type: 'string', enum: ['a', 'b'] });
    expect(props(out).o).toEqual({ type: 'object', properties: { p: { type: 'string' }, q: { type: 'boolean' } } });
    expect(props(out).n).toEqual({ 'x-kubernetes-int-or-string': true });
    expect(props(out).x).toEqual({ 'x-kubernetes-preserve-unknown-fields': true });
    expect(structuralProblems(out)).toEqual([]);
  });

  it('keeps several patterns of one string as value checks in allOf', () => {
    const out = toStructuralSchema(toJson(z.string().regex(/^a/).regex(/b$/)));
    expect(out.type).toBe('string');
    expect(structuralProblems(out)).toEqual([]);
    expect(JSON.stringify(out)).toContain('^a');
    expect(JSON.stringify(out)).toContain('b$');
  });

  it('a field added to a schema shows up without touching the generator', () => {
    const base = z.object({ a: z.string() });
    const grown = base.extend({ rollout: z.object({ waves: z.array(z.object({ name: z.string() })).min(1) }) });
    const out = toStructuralSchema(toJson(grown));
    expect(props(props(out).rollout!).waves).toMatchObject({ type: 'array', minItems: 1 });
  });
});
