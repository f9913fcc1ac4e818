// The Kubernetes front door, without the controller: the generated CRDs install on the control cluster, every seed
// example is accepted by the API server, each bad spec of the invalid corpus that a schema can catch is refused by
// the API server naming its field, a target cannot reach a Secret of another namespace, and RBAC keeps team-a
// out of team-b's Integrations (impersonation).
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { parseAllDocuments, stringify } from 'yaml';
import { repoRoot } from './env/environment.js';
import { ensureNamespace, installCrds, kubectl, kubectlOk, waitForPolicy } from './frontdoor/control-cluster.js';
import { cleanLeakedProse, seedDocuments } from '../unit/spec/seed-examples.js';

const run = randomUUID().slice(0, 8);
const INVALID = join(repoRoot, 'test/fixtures/invalid');
const SEEDS = join(repoRoot, 'test/fixtures/seeds');

/** Server-side dry run: the API server validates (schema, CEL, admission policy) and stores nothing. */
const dryRun = (yaml: string, as?: string) =>
  kubectl(['apply', '--dry-run=server', ...(as ? ['--as', as] : []), '-f', '-'], yaml);

/** One document's YAML, in namespace `ns` (the seeds mostly say ksit-system; here each run has its own). */
function inNamespace(doc: Record<string, unknown>, ns: string): string {
  const metadata = { ...(doc.metadata as object), namespace: ns };
  const spec = { ...(doc.spec as Record<string, unknown>) };
  if (spec.kubeconfigSecretNamespace !== undefined) spec.kubeconfigSecretNamespace = ns;
  return stringify({ ...doc, metadata, spec });
}

const ns = `fd-admission-${run}`;

afterAll(async () => {
  await kubectl(['delete', 'namespace', ns, '--wait=false']);
});

beforeAll(async () => {
  await installCrds();
  await ensureNamespace(ns);
  await waitForPolicy(ns);
}, 120_000);

describe('the API server takes what ksit validate takes', () => {
  const docs = [
    ...['000-production-readiness.md', '001-user-guide.md'].flatMap((file) => seedDocuments(SEEDS, file)),
    ...readdirSync(join(repoRoot, 'config/samples')).map((f) => ({
      origin: `config/samples/${f}`,
      text: readFileSync(join(repoRoot, 'config/samples', f), 'utf8'),
    })),
  ];

  test(`every seed example and sample (${docs.length} blocks) is accepted`, async () => {
    expect(docs.length).toBeGreaterThan(15);
    const refused: string[] = [];
    for (const { origin, text } of docs) {
      for (const doc of parseAllDocuments(cleanLeakedProse(text))) {
        const value = doc.toJS() as Record<string, unknown> | null;
        if (!value) continue;
        const r = await dryRun(inNamespace(value, ns));
        if (r.exitCode !== 0) refused.push(`${origin}: ${String(r.stderr)}`);
      }
    }
    expect(refused).toEqual([]);
  }, 180_000);
});

describe('bad specs are refused by the API server, naming the field', () => {
  // What a structural schema, CEL or the admission policy can see; the rest is listed below with the reason.
  const CAUGHT: Record<string, RegExp> = {
    'bad-duration.yaml': /spec\.config\.healthCheckInterval/,
    'custom-without-components.yaml': /spec\.config\.components.*required for type custom/,
    'missing-targets.yaml': /spec\.targetClusters.*say which clusters/,
    'numeric-version.yaml': /spec\.autoInstall\.helmConfig\.version.*string/,
    'typo.yaml': /unknown field "spec\.targetCluster"/,
    'unknown-type.yaml': /spec\.type.*Unsupported value: "vault"/,
    'wrong-api-version.yaml': /no matches for kind "Integration" in version "ksit\.io\/v1"/,
  };
  // Not Kubernetes objects at all: kubectl refuses them before anything reaches the API server.
  const NOT_OBJECTS = ['empty.yaml', 'json-array.json', 'plain-string.yaml', 'leaked-prose.yaml', 'missing-kind.yaml'];
  // Accepted by the API server on purpose, and why: Helm values are free-form (the controller reports this one as
  // Stalled with ksit validate's message), and one name per namespace is the API server's own rule (the second
  // apply updates the first object).
  const NOT_SCHEMA = ['flat-key-with-map.yaml', 'duplicate-a.yaml', 'duplicate-b.yaml'];

  test('the corpus is covered: every file is in one of the three lists', () => {
    expect(readdirSync(INVALID).sort()).toEqual([...Object.keys(CAUGHT), ...NOT_OBJECTS, ...NOT_SCHEMA].sort());
  });

  test.each(Object.entries(CAUGHT))('%s', async (file, field) => {
    const text = readFileSync(join(INVALID, file), 'utf8');
    const doc = parseAllDocuments(text)[0]!.toJS() as Record<string, unknown>;
    const r = await dryRun(inNamespace(doc, ns));
    expect(r.exitCode).not.toBe(0);
    expect(String(r.stderr)).toMatch(field);
  });

  test.each(NOT_OBJECTS)('%s is refused by kubectl', async (file) => {
    const r = await kubectl(['apply', '--dry-run=server', '-n', ns, '-f', join(INVALID, file)]);
    expect(r.exitCode).not.toBe(0);
  });

  const base = `apiVersion: ksit.io/v1alpha1\nkind: Integration\nmetadata: {name: x, namespace: ${ns}}\n`;
  test.each([
    ['an empty selector', `spec: {type: argocd, targetSelector: {}}`, /spec\.targetSelector.*empty selector/],
    [
      'In without values',
      `spec: {type: argocd, targetSelector: {matchExpressions: [{key: env, operator: In}]}}`,
      /spec\.targetSelector\.matchExpressions\[0\]\.values/,
    ],
    ['a cluster listed twice', `spec: {type: argocd, targetClusters: [a, a]}`, /spec\.targetClusters\[1\].*Duplicate/],
    [
      'a 500ms health interval',
      `spec: {type: argocd, targetClusters: [a], config: {healthCheckInterval: 500ms}}`,
      /must be at least 1s/,
    ],
    [
      'a bad deletionPolicy',
      `spec: {type: argocd, targetClusters: [a], deletionPolicy: Delete}`,
      /spec\.deletionPolicy/,
    ],
  ])('CEL and schema: %s', async (_what, spec, field) => {
    const r = await dryRun(base + spec + '\n');
    expect(r.exitCode).not.toBe(0);
    expect(String(r.stderr)).toMatch(field);
  });

  test('a target may not use a Secret of another namespace (admission policy), nor a file and a Secret', async () => {
    const target = (spec: string) =>
      `apiVersion: ksit.io/v1alpha1\nkind: IntegrationTarget\nmetadata: {name: t, namespace: ${ns}}\nspec: ${spec}\n`;
    const other = await dryRun(
      target('{clusterName: c1, kubeconfigSecret: c1-kubeconfig, kubeconfigSecretNamespace: team-b}'),
    );
    expect(other.exitCode).not.toBe(0);
    expect(String(other.stderr)).toMatch(
      /kubeconfigSecretNamespace: a target may only use a Secret of its own namespace/,
    );
    const both = await dryRun(target('{clusterName: c1, kubeconfigFile: /x, kubeconfigSecret: s}'));
    expect(String(both.stderr)).toMatch(/spec\.kubeconfigFile.*not both/);
    const own = await dryRun(
      target(`{clusterName: c1, kubeconfigSecret: c1-kubeconfig, kubeconfigSecretNamespace: ${ns}}`),
    );
    expect(own.exitCode).toBe(0);
  });
});

describe('RBAC: a team-a user cannot create, change or see team-b Integrations', () => {
  const teamA = `team-a-${run}`;
  const teamB = `team-b-${run}`;
  const alice = `alice-${run}`;
  const integration = (namespace: string, name = 'argocd') =>
    `apiVersion: ksit.io/v1alpha1\nkind: Integration\nmetadata: {name: ${name}, namespace: ${namespace}}\nspec: {type: argocd, targetClusters: [cluster-1]}\n`;

  afterAll(async () => {
    for (const namespace of [teamA, teamB]) await kubectl(['delete', 'namespace', namespace, '--wait=false']);
  });

  beforeAll(async () => {
    await ensureNamespace(teamA);
    await ensureNamespace(teamB);
    await kubectlOk([
      'create',
      'rolebinding',
      'ksit-edit-alice',
      '-n',
      teamA,
      '--clusterrole=ksit-edit',
      `--user=${alice}`,
    ]);
    // An Integration that exists in team-b, to be seen (or not).
    await kubectlOk(['apply', '-f', '-'], integration(teamB, 'secret-tool'));
  }, 60_000);

  test('in team-a: create, change, list', async () => {
    expect((await dryRun(integration(teamA), alice)).exitCode).toBe(0);
    const list = await kubectl(['get', 'integrations', '-n', teamA, '--as', alice]);
    expect(list.exitCode).toBe(0);
    expect(String(await kubectlOk(['auth', 'can-i', 'patch', 'integrations', '-n', teamA, '--as', alice]))).toMatch(
      /yes/,
    );
  });

  test('in team-b: no create, no change, no get, no list; status only through the controller', async () => {
    const create = await dryRun(integration(teamB), alice);
    expect(create.exitCode).not.toBe(0);
    expect(String(create.stderr)).toMatch(/forbidden/i);
    for (const args of [
      ['get', 'integration', 'secret-tool', '-n', teamB],
      ['get', 'integrations', '-n', teamB],
      ['get', 'integrations', '--all-namespaces'],
      ['patch', 'integration', 'secret-tool', '-n', teamB, '--type', 'merge', '-p', '{"spec":{"suspend":true}}'],
      ['delete', 'integration', 'secret-tool', '-n', teamB],
    ]) {
      const r = await kubectl([...args, '--as', alice]);
      expect({ args, exitCode: r.exitCode }).toEqual({ args, exitCode: 1 });
      expect(String(r.stderr)).toMatch(/forbidden/i);
    }
    const status = await kubectl(['auth', 'can-i', 'patch', 'integrations/status', '-n', teamA, '--as', alice]);
    expect(String(status.stdout).trim()).toBe('no');
  });
});
