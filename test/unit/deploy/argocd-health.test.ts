// The Argo CD health checks (deploy/argocd/*.lua) on sample objects, in a real Lua interpreter.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { PROJECT_ROOT } from '../spec/fixture-paths.js';
import { runHealthScript } from './lua.js';

const script = (kind: string) =>
  readFileSync(join(PROJECT_ROOT, 'deploy/argocd', `health-ksit.io_${kind}.lua`), 'utf8');
const cond = (type: string, status: string, reason = 'R', message = `${type} ${status}`) => ({
  type,
  status,
  reason,
  message,
  lastTransitionTime: '2026-11-30T12:00:00Z',
});

function integration(status?: object, spec: object = {}, generation = 2) {
  return { apiVersion: 'ksit.io/v1alpha1', kind: 'Integration', metadata: { name: 'a', generation }, spec, status };
}

describe('Integration health', () => {
  const check = (obj: object) => runHealthScript(script('Integration'), obj);

  it('Progressing without status, or while a new generation is not accepted', () => {
    expect(check(integration())).toMatchObject({ status: 'Progressing' });
    // What the API server shows before the controller's first write (the CRD's status default).
    expect(check(integration({ observedGeneration: -1 }))).toEqual({
      status: 'Progressing',
      message: 'waiting for generation 2 to be accepted',
    });
    const behind = integration({ observedGeneration: 1, phase: 'Running', conditions: [cond('Ready', 'True')] });
    expect(check(behind)).toEqual({ status: 'Progressing', message: 'waiting for generation 2 to be accepted' });
  });

  it('Healthy when Ready', () => {
    const obj = integration({
      observedGeneration: 2,
      phase: 'Running',
      conditions: [cond('Ready', 'True', 'Running', '2/2 clusters Running')],
    });
    expect(check(obj)).toEqual({ status: 'Healthy', message: '2/2 clusters Running' });
  });

  it('Degraded when Stalled or the tool is Degraded; Progressing while installing', () => {
    const stalled = integration({
      observedGeneration: 2,
      phase: 'Invalid',
      conditions: [cond('Ready', 'False'), cond('Stalled', 'True', 'InvalidSpec', 'spec.x: bad')],
    });
    expect(check(stalled)).toEqual({ status: 'Degraded', message: 'spec.x: bad' });
    const crash = integration({
      observedGeneration: 2,
      phase: 'Degraded',
      message: 'argocd-repo-server: CrashLoopBackOff',
      conditions: [cond('Ready', 'False', 'Degraded'), cond('Reconciling', 'True'), cond('Stalled', 'False')],
    });
    expect(check(crash)).toEqual({ status: 'Degraded', message: 'argocd-repo-server: CrashLoopBackOff' });
    const installing = integration({
      observedGeneration: 2,
      phase: 'Installing',
      conditions: [cond('Ready', 'False', 'Progressing', 'installing chart'), cond('Reconciling', 'True')],
    });
    expect(check(installing)).toEqual({ status: 'Progressing', message: 'installing chart' });
  });

  it('Suspended with spec.suspend', () => {
    const obj = integration({ observedGeneration: 2, phase: 'Paused', message: 'suspended' }, { suspend: true });
    expect(check(obj)).toEqual({ status: 'Suspended', message: 'suspended' });
  });
});

describe('IntegrationTarget health', () => {
  const check = (status?: object) =>
    runHealthScript(script('IntegrationTarget'), {
      kind: 'IntegrationTarget',
      metadata: { name: 't', generation: 1 },
      spec: { clusterName: 'c' },
      status,
    });

  it('Healthy with the version, Degraded when unreachable, Progressing before a probe', () => {
    expect(check()).toMatchObject({ status: 'Progressing' });
    expect(
      check({
        observedGeneration: 1,
        serverVersion: 'v1.36.3',
        conditions: [cond('Ready', 'True', 'Reachable', 'answered')],
      }),
    ).toEqual({ status: 'Healthy', message: 'Kubernetes v1.36.3; answered' });
    expect(
      check({ observedGeneration: 1, conditions: [cond('Ready', 'False', 'Unreachable', 'connect ECONNREFUSED')] }),
    ).toEqual({ status: 'Degraded', message: 'connect ECONNREFUSED' });
  });
});
