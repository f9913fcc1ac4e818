import { describe, expect, it } from '@jest/globals';
import type { ClusterStatus, IntegrationSpec } from '../../../shared/types.js';
import { dependencyNote, dependencyPicture, withNote } from '../../../workflows/dependencies/gates.js';
import { dependencyReport, type ReportInput } from '../../../workflows/dependencies/report.js';
import { requestFor } from '../../../workflows/dependencies/remove.js';
import { specDigest } from '../../../workflows/dependencies/spec-digest.js';
import type { DependencyReport } from '../../../workflows/dependencies/types.js';

const spec = (name: string, deps: string[] = [], extra: Partial<IntegrationSpec> = {}): IntegrationSpec => ({
  name,
  namespace: 'ns',
  type: 'cert-manager',
  enabled: true,
  targetClusters: ['c1'],
  toolNamespace: name,
  healthCheckIntervalMs: 30_000,
  gracePeriodMs: 60_000,
  components: [],
  remediation: {},
  ...(deps.length ? { dependsOn: deps.map((d) => ({ name: d, namespace: 'ns' })) } : {}),
  ...extra,
});
const status = (phase: ClusterStatus['phase'], observedSpec?: string): ClusterStatus => ({
  cluster: 'c1',
  phase,
  message: '',
  components: [],
  transitions: [],
  observedSpec,
});

describe('dependencyReport (what a dependency tells its dependents)', () => {
  const cm = spec('cert-manager');
  const base: ReportInput = {
    spec: cm,
    cluster: 'c1',
    targeted: true,
    targetsResolved: true,
    targetMissing: false,
    deleting: false,
  };
  it('is ready only for a Running observed at the current spec', () => {
    expect(dependencyReport({ ...base, status: status('Running', specDigest(cm)) }).state).toBe('ready');
  });
  it('treats a Running from before the last spec change as waiting (stale)', () => {
    const older = specDigest({ ...cm, healthCheckIntervalMs: 60_000 });
    const r = dependencyReport({ ...base, status: status('Running', older) });
    expect(r).toMatchObject({ state: 'waiting', detail: 'Running at an earlier spec; checking the current one' });
    expect(dependencyReport({ ...base, status: status('Running') }).state).toBe('waiting');
  });
  it('says waiting with the phase otherwise, and knows untargeted, unresolved, missing and deleting', () => {
    expect(dependencyReport({ ...base, status: status('Progressing', specDigest(cm)) })).toMatchObject({
      state: 'waiting',
      detail: 'Progressing',
    });
    expect(dependencyReport({ ...base, targeted: false }).state).toBe('not-targeted');
    expect(dependencyReport({ ...base, targeted: false, targetsResolved: false }).state).toBe('waiting');
    expect(dependencyReport({ ...base, targeted: false, targetMissing: true }).detail).toContain('not registered');
    expect(dependencyReport({ ...base, deleting: true })).toMatchObject({ state: 'absent', detail: 'being deleted' });
  });
});

describe('dependencyPicture (gates on the dependent)', () => {
  const report = (
    dependency: string,
    state: DependencyReport['state'],
    detail: string,
    upstream?: Record<string, string[]>,
  ) => ({
    dependency: `ns/${dependency}`,
    cluster: 'c1',
    state,
    detail,
    ...(upstream ? { upstream } : {}),
  });
  it('holds with `waiting for NAME on CLUSTER (detail)` until every dependency is ready', () => {
    const istio = spec('istio', ['cert-manager', 'prometheus']);
    const p = dependencyPicture(istio, 'c1', { 'ns/cert-manager': report('cert-manager', 'ready', 'Running') });
    expect(p.gates.map((g) => [g.name, g.met, g.message])).toEqual([
      ['cert-manager on c1', true, 'Running'],
      ['prometheus on c1', false, 'no report from it yet'],
    ]);
    expect(p.upstream).toEqual({ 'ns/cert-manager': ['ns/cert-manager'], 'ns/prometheus': ['ns/prometheus'] });
  });
  it('gives a not-targeted dependency a permanent message of its own', () => {
    const p = dependencyPicture(spec('istio', ['cert-manager']), 'c1', {
      'ns/cert-manager': report('cert-manager', 'not-targeted', 'cert-manager does not target c1'),
    });
    expect(p.gates[0]?.statusMessage).toMatch(
      /^dependency cert-manager does not target c1, so istio will not be installed here/,
    );
  });
  it('finds itself upstream of itself: a Failed gate naming the cycle', () => {
    const p = dependencyPicture(spec('a', ['b']), 'c1', {
      'ns/b': report('b', 'waiting', 'Failed', { 'ns/c': ['ns/c'], 'ns/a': ['ns/c', 'ns/a'] }),
    });
    expect(p.gates[0]).toMatchObject({ phase: 'Failed', met: false });
    expect(p.gates[0]?.statusMessage).toBe(
      'dependency cycle: ns/a -> ns/b -> ns/c -> ns/a; change spec.dependsOn of one of them',
    );
    expect(p.upstream).toEqual({ 'ns/b': ['ns/b'], 'ns/c': ['ns/b', 'ns/c'] });
  });
  it('notes dependencies that are not ready, idempotently', () => {
    const p = dependencyPicture(spec('istio', ['cert-manager']), 'c1', {
      'ns/cert-manager': report('cert-manager', 'waiting', 'Degraded'),
    });
    const note = dependencyNote(p);
    expect(note).toBe('dependency cert-manager on c1 is Degraded');
    expect(withNote(withNote('2/2 components ready', note), note)).toBe(`2/2 components ready · ${note}`);
    expect(withNote(`2/2 components ready · ${note}`, '')).toBe('2/2 components ready');
  });
});

describe('requestFor (reverse-order delete)', () => {
  it('holds an uninstall while dependents are installed, unless forced; a plain delete is never held', () => {
    expect(requestFor({ uninstall: true }, ['ns/istio'])).toEqual({ uninstall: true, heldBy: ['ns/istio'] });
    expect(requestFor({ uninstall: true, force: true }, ['ns/istio'])).toEqual({ uninstall: true, force: true });
    expect(requestFor({ uninstall: false }, ['ns/istio'])).toEqual({ uninstall: false, force: undefined });
    expect(requestFor({ uninstall: true }, [])).toEqual({ uninstall: true, force: undefined });
  });
});
