import { describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { formatProblem, loadSpecFiles } from '../../../shared/spec/index.js';
import { SAMPLES_DIR } from './fixture-paths.js';

const samples = readdirSync(SAMPLES_DIR).filter((name) => name.endsWith('.yaml'));

describe('config/samples', () => {
  it('has samples for every tool type and both kinds', async () => {
    const { integrations, targets } = await loadSpecFiles([SAMPLES_DIR]);
    expect(new Set(integrations.map((spec) => spec.type))).toEqual(
      new Set(['argocd', 'prometheus', 'istio', 'flux', 'cert-manager', 'kyverno', 'custom']),
    );
    expect(targets.length).toBeGreaterThan(0);
  });

  it.each(samples)('%s validates', async (name) => {
    const result = await loadSpecFiles([join(SAMPLES_DIR, name)]);
    expect(result.problems.map(formatProblem)).toEqual([]);
    expect(result.documents.length).toBeGreaterThan(0);
  });

  it('validates as one set, without duplicate names', async () => {
    const result = await loadSpecFiles([SAMPLES_DIR]);
    expect(result.problems.map(formatProblem)).toEqual([]);
  });
});
