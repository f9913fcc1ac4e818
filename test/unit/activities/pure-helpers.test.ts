// The pure helpers under the activities: Helm error classification, pod reasons, workload readiness, --set args and
// the health summary (DaemonSets and optional components included).
import { describe, expect, it } from '@jest/globals';
import type { V1DaemonSet, V1Deployment, V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import { summarize } from '../../../activities/health/check-components.js';
import { matchesSelector, podReason } from '../../../activities/health/pod-reason.js';
import { workloadReadiness } from '../../../activities/health/workload-health.js';
import { classifyHelmError } from '../../../activities/helm/classify-helm-error.js';
import { FailureType } from '../../../shared/failure-types.js';
import { TOOLS } from '../../../shared/tools/registry.js';

describe('classifyHelmError', () => {
  it.each([
    [
      'Error: Kubernetes cluster unreachable: dial tcp 127.0.0.1:6443: connect: connection refused',
      FailureType.Unreachable,
      false,
    ],
    [
      'Error: INSTALLATION FAILED: chart "argo-cd" version "9.9.9" not found in repository',
      FailureType.InstallRejected,
      true,
    ],
    ['Error: UPGRADE FAILED: template: argo-cd/templates/x.yaml:3:4: executing ...', FailureType.InstallRejected, true],
    ['Error: failed parsing --set data: key "a" has no value', FailureType.InstallRejected, true],
    ['Error: UPGRADE FAILED: timed out waiting for the condition', FailureType.HelmFailed, false],
    [
      'Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress',
      FailureType.HelmFailed,
      false,
    ],
    ['', FailureType.HelmFailed, false],
  ])('%s -> %s', (stderr, type, nonRetryable) => {
    const f = classifyHelmError('upgrade --install', 'cluster-1', stderr);
    expect(f.type).toBe(type);
    expect(f.nonRetryable).toBe(nonRetryable);
    expect(f.message).toMatch(/^helm upgrade --install on cluster-1 failed: /);
  });

  it('keeps only Helm last three lines, so argv and early output stay out of the message', () => {
    const f = classifyHelmError('install', 'c', 'line1 --set password=x\nline2\nline3\nline4\nError: boom');
    expect(f.message).toBe('helm install on c failed: line3 | line4 | Error: boom');
  });
});

const pod = (status: V1Pod['status'], labels: Record<string, string> = { app: 'a' }): V1Pod => ({
  metadata: { labels },
  status,
});

describe('podReason', () => {
  it.each<[string, V1Pod['status'], string | undefined]>([
    [
      'crash loop with restarts',
      {
        containerStatuses: [
          {
            name: 'c',
            image: 'i',
            imageID: '',
            ready: false,
            restartCount: 3,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
          },
        ],
      },
      'CrashLoopBackOff (3 restarts)',
    ],
    [
      'image pull with the image',
      {
        containerStatuses: [
          {
            name: 'c',
            image: 'quay.io/x:v1',
            imageID: '',
            ready: false,
            restartCount: 0,
            state: { waiting: { reason: 'ImagePullBackOff' } },
          },
        ],
      },
      'ImagePullBackOff quay.io/x:v1',
    ],
    [
      'an init container that failed',
      {
        initContainerStatuses: [
          {
            name: 'i',
            image: 'i',
            imageID: '',
            ready: false,
            restartCount: 0,
            state: { terminated: { exitCode: 2, reason: 'Error' } },
          },
        ],
      },
      'Error (exit 2)',
    ],
    [
      'unschedulable',
      { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', message: '0/3 nodes' }] },
      'Unschedulable: 0/3 nodes',
    ],
    ['pending', { phase: 'Pending' }, 'Pending'],
    [
      'running, not ready',
      {
        phase: 'Running',
        containerStatuses: [
          { name: 'c', image: 'i', imageID: '', ready: false, restartCount: 0, state: { running: {} } },
        ],
      },
      'not ready',
    ],
    [
      'creating is not a reason',
      {
        phase: 'Running',
        containerStatuses: [
          {
            name: 'c',
            image: 'i',
            imageID: '',
            ready: true,
            restartCount: 0,
            state: { waiting: { reason: 'ContainerCreating' } },
          },
        ],
      },
      undefined,
    ],
  ])('%s', (_, status, reason) => {
    expect(podReason(pod(status))).toBe(reason);
  });

  it('matches pods by the workload selector; an empty selector matches none', () => {
    expect(matchesSelector(pod({}, { app: 'a', x: 'y' }), { app: 'a' })).toBe(true);
    expect(matchesSelector(pod({}, { app: 'b' }), { app: 'a' })).toBe(false);
    expect(matchesSelector(pod({}), {})).toBe(false);
    expect(matchesSelector(pod({}), undefined)).toBe(false);
  });
});

describe('workloadReadiness', () => {
  it('Deployment: a rollout whose new pods are not ready is pending even while old ones serve', () => {
    const d = (status: V1Deployment['status'], generation = 1): V1Deployment => ({
      metadata: { generation },
      spec: { replicas: 2, selector: {}, template: {} },
      status,
    });
    expect(
      workloadReadiness('Deployment', d({ observedGeneration: 1, readyReplicas: 2, updatedReplicas: 2, replicas: 2 })),
    ).toEqual({
      ready: 2,
      desired: 2,
      rolloutPending: false,
    });
    expect(
      workloadReadiness('Deployment', d({ observedGeneration: 1, readyReplicas: 2, updatedReplicas: 1, replicas: 3 }))
        .rolloutPending,
    ).toBe(true);
    expect(
      workloadReadiness(
        'Deployment',
        d({ observedGeneration: 1, readyReplicas: 2, updatedReplicas: 2, replicas: 2 }, 2),
      ).rolloutPending,
    ).toBe(true);
  });

  it('StatefulSet: revisions that differ with fewer updated replicas are a pending rollout', () => {
    const s = (status: V1StatefulSet['status']): V1StatefulSet => ({
      spec: { replicas: 1, selector: {}, serviceName: 's', template: {} },
      status,
    });
    expect(
      workloadReadiness('StatefulSet', s({ replicas: 1, readyReplicas: 1, currentRevision: 'a', updateRevision: 'a' })),
    ).toEqual({
      ready: 1,
      desired: 1,
      rolloutPending: false,
    });
    expect(
      workloadReadiness(
        'StatefulSet',
        s({ replicas: 1, readyReplicas: 1, currentRevision: 'a', updateRevision: 'b', updatedReplicas: 0 }),
      ).rolloutPending,
    ).toBe(true);
  });

  it('DaemonSet: ready of desired scheduled nodes, pending while not all are updated', () => {
    const ds = (status: V1DaemonSet['status']): V1DaemonSet => ({ status });
    expect(
      workloadReadiness(
        'DaemonSet',
        ds({
          desiredNumberScheduled: 3,
          numberReady: 3,
          updatedNumberScheduled: 3,
          currentNumberScheduled: 3,
          numberMisscheduled: 0,
        }),
      ),
    ).toEqual({
      ready: 3,
      desired: 3,
      rolloutPending: false,
    });
    expect(
      workloadReadiness(
        'DaemonSet',
        ds({
          desiredNumberScheduled: 3,
          numberReady: 2,
          updatedNumberScheduled: 2,
          currentNumberScheduled: 3,
          numberMisscheduled: 0,
        }),
      ),
    ).toEqual({
      ready: 2,
      desired: 3,
      rolloutPending: true,
    });
  });
});

describe('summarize (health of a tool from its components)', () => {
  const h = (name: string, healthy: boolean, found = true) => ({
    kind: 'Deployment' as const,
    name,
    ready: healthy ? 1 : 0,
    desired: found ? 1 : 0,
    healthy,
    reason: healthy ? undefined : found ? `${name}: 0/1 ready` : `${name}: not found`,
  });

  it('an optional component neither makes the tool unhealthy nor present', () => {
    const components = [
      { kind: 'Deployment' as const, name: 'a' },
      { kind: 'Deployment' as const, name: 'b', optional: true },
    ];
    expect(summarize(components, [h('a', true), h('b', false)])).toMatchObject({
      healthy: true,
      absent: false,
      reason: undefined,
    });
    expect(summarize(components, [h('a', false, false), h('b', true)])).toMatchObject({
      healthy: false,
      absent: true,
      reason: 'a: not found',
    });
  });

  it('a when-present component (the Istio ingress gateway) is checked only once it exists', () => {
    const istio = TOOLS.istio.components;
    expect(istio.find((c) => c.whenPresent)).toMatchObject({ name: 'istio-ingressgateway' });
    const istiod = h('istiod', true);
    expect(summarize(istio, [istiod, h('istio-ingressgateway', false, false)])).toMatchObject({
      healthy: true,
      absent: false,
    });
    expect(summarize(istio, [istiod, h('istio-ingressgateway', false)])).toMatchObject({
      healthy: false,
      reason: 'istio-ingressgateway: 0/1 ready',
    });
    expect(summarize(istio, [h('istiod', false, false), h('istio-ingressgateway', false, false)])).toMatchObject({
      absent: true,
    });
  });

  // The Prometheus descriptor: names follow release "prometheus"; a DaemonSet among the optional components.
  it('Prometheus: operator and Prometheus StatefulSet are required; node-exporter DaemonSet is optional', () => {
    const prom = TOOLS.prometheus.components;
    expect(prom.filter((c) => !c.optional).map((c) => `${c.kind}/${c.name}`)).toEqual([
      'Deployment/prometheus-kube-prometheus-operator',
      'StatefulSet/prometheus-prometheus-kube-prometheus-prometheus',
    ]);
    const exporter = prom.find((c) => c.kind === 'DaemonSet');
    expect(exporter).toMatchObject({ name: 'prometheus-prometheus-node-exporter', optional: true });
    const results = prom.map((c) => ({ ...h(c.name, c.kind !== 'DaemonSet'), kind: c.kind }));
    expect(summarize(prom, results)).toMatchObject({ healthy: true, absent: false });
  });
});
