// The target-cluster RBAC chart (deploy/helm/ksit-target-rbac): monitor-only is read-only and Secret-free; installs
// add write rights bound where asked; namespaced bindings land in the listed namespaces.
import { describe, expect, it } from '@jest/globals';
import { find, helm, type K8sObject, KUBE_VERSION, render, TARGET_RBAC_CHART } from './tools.js';

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  nonResourceURLs?: string[];
}
const rules = (objects: K8sObject[], name: string) => find(objects, 'ClusterRole', name).rules as Rule[];
const WRITE = ['create', 'update', 'patch', 'delete', 'deletecollection', 'escalate', 'bind', '*'];

describe('helm chart deploy/helm/ksit-target-rbac', () => {
  it('passes helm lint', () => {
    for (const values of [{}, { install: { enabled: true, namespaces: ['argocd'] } }]) {
      const r = helm(['lint', TARGET_RBAC_CHART, '--strict', '--kube-version', KUBE_VERSION], values);
      expect(r.status).toBe(0);
    }
  });

  it('monitor-only (default): read-only, no Secrets, watches workloads only, bound cluster-wide', () => {
    const objects = render(TARGET_RBAC_CHART);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(
      [
        'ServiceAccount/ksit',
        'ClusterRole/ksit-discovery',
        'ClusterRoleBinding/ksit-discovery',
        'ClusterRole/ksit-monitor',
        'ClusterRoleBinding/ksit-monitor',
      ].sort(),
    );
    expect(find(objects, 'ServiceAccount').automountServiceAccountToken).toBe(false);
    const monitor = rules(objects, 'ksit-monitor');
    expect(monitor).toEqual([
      { apiGroups: ['apps'], resources: ['deployments', 'statefulsets', 'daemonsets'], verbs: ['list', 'watch'] },
      { apiGroups: [''], resources: ['pods', 'services'], verbs: ['list'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list'] },
      { apiGroups: [''], resources: ['namespaces'], verbs: ['get'] },
    ]);
    const discovery = rules(objects, 'ksit-discovery');
    for (const r of [...monitor, ...discovery]) {
      expect(r.resources ?? []).not.toContain('secrets');
      const writes = r.verbs.filter((v) => WRITE.includes(v));
      // The only "create" is a SelfSubjectAccessReview: asking the server, changing nothing.
      expect(writes.length === 0 || r.resources?.join() === 'selfsubjectaccessreviews').toBe(true);
    }
    const binding = find(objects, 'ClusterRoleBinding', 'ksit-monitor');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'ksit', namespace: 'ksit-system' }]);
  });

  it('installs: cluster part bound cluster-wide, namespaced part and monitoring in the listed namespaces', () => {
    const objects = render(TARGET_RBAC_CHART, {
      monitor: { namespaces: ['argocd', 'monitoring'] },
      install: {
        enabled: true,
        namespaces: ['argocd'],
        extraRules: [{ apiGroups: ['argoproj.io'], resources: ['*'], verbs: ['get'] }],
      },
      extraSubjects: [{ kind: 'Group', name: 'ksit-operators', apiGroup: 'rbac.authorization.k8s.io' }],
    });
    const bindings = objects
      .filter((o) => o.kind.endsWith('Binding'))
      .map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.roleRef.name}`)
      .sort();
    expect(bindings).toEqual(
      [
        'ClusterRoleBinding//ksit-discovery',
        'ClusterRoleBinding//ksit-install-cluster',
        'RoleBinding/argocd/ksit-install',
        'RoleBinding/argocd/ksit-monitor',
        'RoleBinding/monitoring/ksit-monitor',
      ].sort(),
    );
    for (const b of objects.filter((o) => o.kind.endsWith('Binding'))) {
      expect(b.subjects).toContainEqual({
        kind: 'Group',
        name: 'ksit-operators',
        apiGroup: 'rbac.authorization.k8s.io',
      });
    }
    const ns = find(objects, 'Namespace', 'argocd');
    expect(ns.metadata.annotations?.['helm.sh/resource-policy']).toBe('keep');
    const install = rules(objects, 'ksit-install');
    expect(install.find((r) => r.resources?.includes('secrets'))?.verbs).toEqual(
      expect.arrayContaining(['get', 'list', 'create', 'update', 'delete']),
    );
    expect(install.at(-1)).toEqual({ apiGroups: ['argoproj.io'], resources: ['*'], verbs: ['get'] });
    const cluster = rules(objects, 'ksit-install-cluster');
    expect(cluster.find((r) => r.resources?.includes('namespaces'))?.verbs).toEqual(['get', 'list', 'create']);
    expect(cluster.find((r) => r.resources?.includes('clusterroles'))?.verbs).toEqual(
      expect.arrayContaining(['escalate', 'bind']),
    );
    // Nothing grants everything.
    for (const r of [...install, ...cluster]) expect(r.verbs).not.toContain('*');
  });

  it('without RBAC escalation the install roles cannot escalate or bind', () => {
    const objects = render(TARGET_RBAC_CHART, { install: { enabled: true, rbacEscalation: false } });
    for (const name of ['ksit-install', 'ksit-install-cluster']) {
      for (const r of rules(objects, name)) {
        expect(r.verbs).not.toContain('escalate');
        expect(r.verbs).not.toContain('bind');
      }
    }
    expect(objects.some((o) => o.kind === 'Namespace')).toBe(false);
    expect(find(objects, 'ClusterRoleBinding', 'ksit-install').roleRef.name).toBe('ksit-install');
  });
});
