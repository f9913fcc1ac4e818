import { describe, expect, it } from '@jest/globals';
import { formatProblem, parseSpecText } from '../../../shared/spec/index.js';
import { SEEDS_DIR } from './fixture-paths.js';
import { cleanLeakedProse, embedSnippet, seedDocuments, seedSnippets } from './seed-examples.js';

const SEED_FILES = ['000-production-readiness.md', '001-user-guide.md'];
const documents = SEED_FILES.flatMap((file) => seedDocuments(SEEDS_DIR, file));
const snippets = SEED_FILES.flatMap((file) => seedSnippets(SEEDS_DIR, file));

describe('seed examples', () => {
  it('finds every example in the seeds', () => {
    // 000: a target and three Integrations; 001: a target, argocd-autoinstall, examples 1-4, flux-monitor.
    expect(documents).toHaveLength(11);
    // 001: two helmConfig snippets and the healthCheckInterval snippet.
    expect(snippets).toHaveLength(3);
  });

  it.each(documents.map((example) => [example.origin, example.text]))(
    '%s validates once leaked prose is removed',
    (origin, text) => {
      const result = parseSpecText(cleanLeakedProse(text), origin);
      expect(result.problems.map(formatProblem)).toEqual([]);
      expect(result.documents.length).toBeGreaterThan(0);
    },
  );

  it.each(snippets.map((example) => [example.origin, example.text]))(
    'snippet %s validates inside an Integration',
    (origin, text) => {
      const type = text.includes('kube-prometheus-stack') ? 'prometheus' : 'argocd';
      const result = parseSpecText(embedSnippet(text, 'snippet', type), origin);
      expect(result.problems.map(formatProblem)).toEqual([]);
      expect(result.integrations).toHaveLength(1);
    },
  );

  it('reports the leaked prose itself as a YAML error with its line, not a crash', () => {
    const example2 = documents.find((example) => example.text.includes('This installs ArgoCD'));
    expect(example2).toBeDefined();
    const result = parseSpecText(example2!.text, 'example-2.yaml');
    expect(result.integrations).toEqual([]);
    expect(result.problems[0]).toMatchObject({ file: 'example-2.yaml', document: 1, line: 2 });
    expect(result.problems[0]!.message).toMatch(/YAML syntax error at line 2, column 1/);
  });

  it('fills the chart from the registry when autoInstall names only the method (example 4)', () => {
    const example4 = documents.find((example) => example.text.includes('flux-staging-monitor'))!;
    const [flux, argocd] = parseSpecText(example4.text, 'example-4.yaml').integrations;
    expect(flux).toMatchObject({ name: 'flux-staging-monitor', type: 'flux', toolNamespace: 'flux-system' });
    expect(flux!.install).toBeUndefined();
    expect(argocd!.install).toMatchObject({
      method: 'helm',
      chart: { repository: 'https://argoproj.github.io/argo-helm', chart: 'argo-cd', version: '5.51.6' },
      releaseName: 'argocd',
    });
  });
});
