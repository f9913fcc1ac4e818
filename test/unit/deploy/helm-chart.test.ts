// The worker chart (deploy/helm/ksit): lint, render with default and production-like values, and check the
// rendered manifests against the hardening checklist: non-root, read-only root filesystem, no capabilities,
// requests and limits, probes, PDB, NetworkPolicy, least-privilege RBAC, and the wiring of TLS, API key, codec key.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { CHART, find, helm, type K8sObject, KUBE_VERSION, render } from './tools.js';

const production = {
  replicaCount: 3,
  image: { repository: 'registry.example/ksit', digest: 'sha256:' + 'a'.repeat(64) },
  temporal: {
    address: 'temporal.example:7233',
    namespace: 'ksit-prod',
    taskQueue: 'ksit-prod',
    tls: { existingSecret: 'temporal-mtls', serverName: 'frontend.temporal.example' },
    apiKey: { existingSecret: 'temporal-api-key', key: 'token' },
  },
  codec: { existingSecret: 'ksit-codec', key: 'keyring' },
  rbac: { secretNamespaces: ['ksit-system', 'team-a'], secretNames: ['cluster-1-kubeconfig'] },
  serviceMonitor: { enabled: true, labels: { release: 'kube-prometheus-stack' } },
  prometheusRule: {
    enabled: true,
    overrides: { KsitIntegrationDegraded: { for: '30m', labels: { severity: 'critical', team: 'platform' } } },
  },
  grafanaDashboard: { enabled: true },
  networkPolicy: {
    temporal: { cidrs: ['10.20.0.0/16'] },
    kubernetesApi: { cidrs: ['10.0.0.1/32', '192.168.50.0/24'] },
    chartRepositories: { cidrs: ['203.0.113.0/24'] },
    metricsFrom: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
  },
};

// Rendered manifests are walked generically; `any` keeps absent entries comparable to undefined.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const env = (c: K8sObject['spec']): Record<string, any> =>
  Object.fromEntries((c.env as { name: string }[]).map((e) => [e.name, e]));
const podSpecs = (objects: K8sObject[]) =>
  objects.filter((o) => o.kind === 'Deployment' || o.kind === 'Job').map((o) => ({ o, pod: o.spec.template.spec }));

function expectHardened(objects: K8sObject[]) {
  const pods = podSpecs(objects);
  // The worker, the controller (the Kubernetes front door) and the search-attribute setup job.
  expect(pods.map((p) => p.o.kind).sort()).toEqual(['Deployment', 'Deployment', 'Job']);
  for (const { o, pod } of pods) {
    const where = `${o.kind}/${o.metadata.name}`;
    expect({ where, ...pod.securityContext }).toMatchObject({
      where,
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.hostNetwork ?? false).toBe(false);
    const tmp = pod.volumes.find((v: { name: string }) => v.name === 'tmp');
    expect(tmp.emptyDir.sizeLimit).toMatch(/^\d+(Mi|Gi)$/);
    for (const c of pod.containers) {
      expect(c.securityContext).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        runAsNonRoot: true,
        runAsUser: 65532,
        privileged: false,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(c.securityContext.capabilities.add).toBeUndefined();
      for (const kind of ['requests', 'limits']) {
        // Kubernetes quantities: cores or millicores, and a memory size with its unit.
        expect(String(c.resources[kind].cpu)).toMatch(/^\d+(\.\d+)?m?$/);
        expect(String(c.resources[kind].memory)).toMatch(/^\d+(Mi|Gi)$/);
      }
      expect(c.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
      expect(c.image).toMatch(/^[^:@]+(:[^@]+|@sha256:[a-f0-9]{64})$/);
    }
  }
}

/** The least an install needs: the payload codec's key (or an explicit acceptance of plaintext history). */
const minimal = { codec: { existingSecret: 'ksit-codec' } };

describe('helm chart deploy/helm/ksit', () => {
  it('passes helm lint with default and production values', () => {
    for (const values of [minimal, production]) {
      const r = helm(['lint', CHART, '--strict', '--kube-version', KUBE_VERSION], values);
      expect(r.stderr + r.stdout).toContain('0 chart(s) failed');
      expect(r.status).toBe(0);
    }
  });

  it('default values: hardened worker with probes, PDB, NetworkPolicy, RBAC; no monitoring CRDs needed', () => {
    const objects = render(CHART, minimal);
    expect(objects.map((o) => o.kind).sort()).toEqual(
      [
        'Deployment',
        'Job',
        'NetworkPolicy',
        'PodDisruptionBudget',
        'Role',
        'RoleBinding',
        'Service',
        'ServiceAccount',
        // The controller: its Deployment, ServiceAccount, ClusterRole (+binding) and Lease Role (+binding); the
        // user roles ksit-view and ksit-edit; the admission policy that keeps credentials in their namespace.
        'Deployment',
        'ServiceAccount',
        'ClusterRole',
        'ClusterRoleBinding',
        'Role',
        'RoleBinding',
        'ClusterRole',
        'ClusterRole',
        'ValidatingAdmissionPolicy',
        'ValidatingAdmissionPolicyBinding',
      ].sort(),
    );
    expectHardened(objects);

    const deploy = find(objects, 'Deployment', 'ksit');
    expect(deploy.spec.replicas).toBe(2);
    expect(deploy.spec.strategy.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 0 });
    const worker = deploy.spec.template.spec.containers[0];
    expect(worker.args).toEqual(['dist/workers/main.js']);
    const port = worker.ports.find((p: { name: string }) => p.name === 'http').containerPort;
    expect(env(worker).KSIT_HTTP_PORT.value).toBe(String(port));
    expect(worker.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(worker.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(worker.startupProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(env(worker).KSIT_HELM_HOME.value).toBe('/tmp/helm');
    expect(env(worker).TEMPORAL_TLS).toBeUndefined();
    expect(env(worker).TEMPORAL_API_KEY).toBeUndefined();
    expect(deploy.spec.template.spec.automountServiceAccountToken).toBe(true);
    // Nothing loosened by default; the codec key's Secret is never usable as a kubeconfig.
    for (const name of Object.keys(env(worker)).filter((n) => /^KSIT_(KUBECONFIG_)?ALLOW_/.test(n)))
      expect([name, env(worker)[name]?.value]).toEqual([name, 'false']);
    expect(env(worker).KSIT_KUBECONFIG_ALLOW_EXEC?.value).toBe('false');
    expect(env(worker).KSIT_KUBECONFIG_DIRS?.value).toBe('');
    expect(env(worker).KSIT_RESERVED_SECRETS?.value).toBe('ksit-system/ksit-codec');

    // PDB and NetworkPolicy select exactly the worker pods.
    const podLabels = deploy.spec.template.metadata.labels;
    const pdb = find(objects, 'PodDisruptionBudget');
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(podLabels).toMatchObject(pdb.spec.selector.matchLabels);
    expect(podLabels).toMatchObject(deploy.spec.selector.matchLabels);
    const np = find(objects, 'NetworkPolicy');
    expect(podLabels).toMatchObject(np.spec.podSelector.matchLabels);
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    // Every egress rule is limited to ports: Temporal 7233, API servers 443/6443, chart repos 443, DNS 53.
    const ports = np.spec.egress.map((r: { ports: { port: number; protocol: string }[] }) => {
      expect(r.ports.length).toBeGreaterThan(0);
      return r.ports.map((p) => `${p.port}/${p.protocol}`).join(',');
    });
    expect(ports).toEqual(['7233/TCP', '443/TCP,6443/TCP', '443/TCP', '53/UDP,53/TCP']);
    expect(np.spec.egress[3].to[0].namespaceSelector.matchLabels).toEqual({
      'kubernetes.io/metadata.name': 'kube-system',
    });
    expect(np.spec.ingress).toEqual([{ ports: [{ port: 'http', protocol: 'TCP' }] }]);

    // RBAC in the control cluster: GET Secrets in the release namespace, nothing else.
    const role = find(objects, 'Role', 'ksit-kubeconfig-reader');
    expect(role.metadata.namespace).toBe('ksit-system');
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }]);
    const binding = find(objects, 'RoleBinding', 'ksit-kubeconfig-reader');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'ksit', namespace: 'ksit-system' }]);

    // The setup Job registers search attributes as a hook and never talks to the Kubernetes API.
    const job = find(objects, 'Job');
    expect(job.metadata.annotations?.['helm.sh/hook']).toBe('post-install,post-upgrade');
    expect(job.spec.template.spec.automountServiceAccountToken).toBe(false);
    expect(job.spec.template.spec.containers[0].args).toEqual(['dist/workers/register-search-attributes.js']);
    expect(podLabels).not.toMatchObject(job.spec.template.metadata.labels);
    expect(job.spec.template.metadata.labels).toMatchObject(np.spec.podSelector.matchLabels);
  });

  it('production values: 3 replicas, mTLS + API key + codec key from Secrets, monitoring, narrowed egress', () => {
    const objects = render(CHART, production);
    expectHardened(objects);
    const deploy = find(objects, 'Deployment', 'ksit');
    const reserved = env(deploy.spec.template.spec.containers[0]).KSIT_RESERVED_SECRETS?.value.split(',');
    expect(reserved?.length).toBe(3);
    expect(deploy.spec.replicas).toBe(3);
    const pod = deploy.spec.template.spec;
    const worker = pod.containers[0];
    expect(worker.image).toBe(`registry.example/ksit@sha256:${'a'.repeat(64)}`);
    const e = env(worker);
    expect(e.TEMPORAL_ADDRESS.value).toBe('temporal.example:7233');
    expect(e.TEMPORAL_NAMESPACE.value).toBe('ksit-prod');
    expect(e.KSIT_TASK_QUEUE.value).toBe('ksit-prod');
    expect(e.TEMPORAL_TLS.value).toBe('true');
    expect(e.TEMPORAL_TLS_SERVER_NAME.value).toBe('frontend.temporal.example');
    expect(e.TEMPORAL_TLS_CLIENT_CERT_PATH.value).toBe('/etc/ksit/temporal-tls/tls.crt');
    expect(e.TEMPORAL_TLS_CLIENT_KEY_PATH.value).toBe('/etc/ksit/temporal-tls/tls.key');
    expect(e.TEMPORAL_TLS_SERVER_CA_CERT_PATH.value).toBe('/etc/ksit/temporal-tls/ca.crt');
    expect(e.TEMPORAL_API_KEY.valueFrom).toEqual({ secretKeyRef: { name: 'temporal-api-key', key: 'token' } });
    expect(e.KSIT_CODEC_KEY_FILE.value).toBe('/etc/ksit/codec/keyring');
    expect(worker.volumeMounts).toEqual(
      expect.arrayContaining([
        { name: 'temporal-tls', mountPath: '/etc/ksit/temporal-tls', readOnly: true },
        { name: 'codec-key', mountPath: '/etc/ksit/codec', readOnly: true },
      ]),
    );
    const tlsVolume = pod.volumes.find((v: { name: string }) => v.name === 'temporal-tls');
    expect(tlsVolume.secret.secretName).toBe('temporal-mtls');
    expect(tlsVolume.secret.items.map((i: { key: string }) => i.key)).toEqual(['tls.crt', 'tls.key', 'ca.crt']);
    expect(pod.volumes.find((v: { name: string }) => v.name === 'codec-key').secret).toMatchObject({
      secretName: 'ksit-codec',
      items: [{ key: 'keyring', path: 'keyring' }],
    });
    // The setup Job reaches Temporal the same way (TLS files and API key), without the codec key.
    const jobEnv = env(find(objects, 'Job').spec.template.spec.containers[0]);
    expect(jobEnv.TEMPORAL_TLS_CLIENT_CERT_PATH.value).toBe('/etc/ksit/temporal-tls/tls.crt');
    expect(jobEnv.TEMPORAL_API_KEY.valueFrom).toEqual(e.TEMPORAL_API_KEY.valueFrom);
    expect(jobEnv.KSIT_CODEC_KEY_FILE).toBeUndefined();

    // Kubeconfig Secrets: one Role per namespace, limited to the named Secrets.
    const roles = objects.filter((o) => o.kind === 'Role' && o.metadata.name === 'ksit-kubeconfig-reader');
    expect(roles.map((r) => r.metadata.namespace)).toEqual(['ksit-system', 'team-a']);
    for (const r of roles) {
      expect(r.rules).toEqual([
        { apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['cluster-1-kubeconfig'] },
      ]);
    }

    const np = find(objects, 'NetworkPolicy');
    const cidrs = np.spec.egress.map((r: { to?: { ipBlock?: { cidr: string } }[] }) =>
      (r.to ?? []).filter((t) => t.ipBlock).map((t) => t.ipBlock?.cidr),
    );
    expect(cidrs).toEqual([['10.20.0.0/16'], ['10.0.0.1/32', '192.168.50.0/24'], ['203.0.113.0/24'], []]);
    expect(np.spec.ingress[0].from).toEqual(production.networkPolicy.metricsFrom);

    // Monitoring: ServiceMonitor names the job as the alerts expect; the rules are files/alerts.yaml.
    const service = find(objects, 'Service');
    const sm = find(objects, 'ServiceMonitor');
    expect(sm.metadata.labels?.release).toBe('kube-prometheus-stack');
    expect(service.metadata.labels?.[sm.spec.jobLabel]).toBe('ksit-worker');
    expect(sm.spec.endpoints[0]).toMatchObject({ port: 'http', path: '/metrics', honorLabels: true });
    expect(service.spec.ports[0].targetPort).toBe('http');
    const alerts = parse(readFileSync(join(CHART, 'files', 'alerts.yaml'), 'utf8')) as {
      groups: { rules: { alert: string; for?: string; labels?: Record<string, string> }[] }[];
    };
    const rule = find(objects, 'PrometheusRule');
    const rendered = rule.spec.groups.flatMap((g: { rules: unknown[] }) => g.rules);
    const source = alerts.groups.flatMap((g) => g.rules);
    expect(rendered.map((r: { alert: string }) => r.alert)).toEqual(source.map((r) => r.alert));
    const degraded = rendered.find((r: { alert: string }) => r.alert === 'KsitIntegrationDegraded');
    expect(degraded.for).toBe('30m');
    expect(degraded.labels).toEqual({ severity: 'critical', team: 'platform' });
    // Everything else is the file as it is.
    const untouched = (r: { alert: string }) => r.alert !== 'KsitIntegrationDegraded';
    expect(rendered.filter(untouched)).toEqual(source.filter(untouched));

    const dashboard = find(objects, 'ConfigMap');
    expect(dashboard.metadata.labels?.grafana_dashboard).toBe('1');
    expect(JSON.parse(dashboard.data['ksit-fleet.json'])).toEqual(
      JSON.parse(readFileSync(join(CHART, 'files', 'dashboards', 'ksit-fleet.json'), 'utf8')),
    );
  });

  it('server TLS without client certificates, single replica, PDB by minAvailable, policy off', () => {
    const objects = render(CHART, {
      security: { acceptPlaintextHistory: true },
      replicaCount: 1,
      temporal: { tls: { enabled: true } },
      podDisruptionBudget: { maxUnavailable: null, minAvailable: 1 },
      networkPolicy: { enabled: false },
      searchAttributes: { register: false },
    });
    const e = env(find(objects, 'Deployment', 'ksit').spec.template.spec.containers[0]);
    expect(e.TEMPORAL_TLS.value).toBe('true');
    expect(e.TEMPORAL_TLS_CLIENT_CERT_PATH).toBeUndefined();
    expect(find(objects, 'PodDisruptionBudget').spec).toMatchObject({ minAvailable: 1 });
    expect(find(objects, 'PodDisruptionBudget').spec.maxUnavailable).toBeUndefined();
    expect(objects.some((o) => o.kind === 'NetworkPolicy' || o.kind === 'Job')).toBe(false);
  });

  it('refuses contradictory values with a message', () => {
    const bad = [
      [
        { ...minimal, podDisruptionBudget: { minAvailable: 1, maxUnavailable: 1 } },
        'set minAvailable or maxUnavailable',
      ],
      [{ ...minimal, temporal: { tls: { existingSecret: 's', keyKey: '' } } }, 'certKey and keyKey go together'],
      [{ ...minimal, temporal: { address: '' } }, 'temporal.address is required'],
      [{}, 'security.acceptPlaintextHistory=true to accept plaintext history'],
    ] as const;
    for (const [values, message] of bad) {
      const r = helm(['template', 'ksit', CHART, '--kube-version', KUBE_VERSION], values);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain(message);
    }
  });
});
