import type { V1ResourceAttributes } from '@kubernetes/client-node';
import { parseKubeVersion, satisfiesRange } from '../shared/kube-version.js';
import { classifyKubeError, httpStatus } from './errors.js';
import type { ClusterClient } from './kube/cluster-clients.js';
import { withTimeout } from './kube/request-options.js';

export interface PreflightCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface PreflightResult {
  ok: boolean;
  serverVersion: string;
  namespaceExists: boolean;
  checks: PreflightCheck[];
}

export interface PreflightInput {
  namespace: string;
  kubeVersionRange?: string;
  /** Whether autoInstall is on: install needs write access, monitoring only read access. */
  install: boolean;
  /** Whether the tool has Service components, whose Services and EndpointSlices the health checks list. */
  readsEndpoints?: boolean;
  /** Whether config.healthEndpoint is set: it is asked through the service proxy. */
  probesServices?: boolean;
}

const READ: V1ResourceAttributes[] = [
  { group: 'apps', resource: 'deployments', verb: 'list' },
  { group: 'apps', resource: 'statefulsets', verb: 'list' },
  { group: 'apps', resource: 'daemonsets', verb: 'list' },
  { group: '', resource: 'pods', verb: 'list' },
];
const READ_ENDPOINTS: V1ResourceAttributes[] = [
  { group: '', resource: 'services', verb: 'list' },
  { group: 'discovery.k8s.io', resource: 'endpointslices', verb: 'list' },
];
const PROBE: V1ResourceAttributes[] = [{ group: '', resource: 'services', subresource: 'proxy', verb: 'get' }];
const WRITE: V1ResourceAttributes[] = [
  { group: '', resource: 'secrets', verb: 'create' },
  { group: '', resource: 'secrets', verb: 'list' },
  { group: 'apps', resource: 'deployments', verb: 'create' },
  { group: '', resource: 'services', verb: 'create' },
];

/**
 * Checks a cluster before anything is installed: the API answers, its version is in the tool's range, the
 * credentials may do what install and health checks need (SelfSubjectAccessReview), and whether the namespace
 * exists. Returns a checklist; only an unreachable cluster throws.
 */
export async function preflight(
  client: ClusterClient,
  cluster: string,
  input: PreflightInput,
): Promise<PreflightResult> {
  const opts = withTimeout(10_000);
  const checks: PreflightCheck[] = [];
  let serverVersion: string;
  try {
    serverVersion = (await client.version.getCode(opts)).gitVersion;
  } catch (err) {
    throw classifyKubeError(err, cluster, 'reading the server version');
  }
  checks.push({ name: 'api-reachable', ok: true, detail: `${client.server} answered` });

  const parsed = parseKubeVersion(serverVersion);
  const range = input.kubeVersionRange;
  const versionOk = !range || (!!parsed && satisfiesRange(parsed, range));
  checks.push({
    name: 'server-version',
    ok: versionOk,
    detail: range ? `${serverVersion} ${versionOk ? 'is within' : 'is outside'} ${range}` : serverVersion,
  });

  let namespaceExists = true;
  try {
    await client.core.readNamespace({ name: input.namespace }, opts);
  } catch (err) {
    if (httpStatus(err) !== 404) throw classifyKubeError(err, cluster, `reading namespace ${input.namespace}`);
    namespaceExists = false;
  }
  // A missing namespace is not a preflight failure: with autoInstall it is created, without it the tool is
  // simply absent, which the health check reports as such.
  checks.push({
    name: 'namespace',
    ok: true,
    detail: namespaceExists
      ? `${input.namespace} exists`
      : `${input.namespace} does not exist${input.install ? ' (install will create it)' : ''}`,
  });

  const wanted: V1ResourceAttributes[] = [
    ...[...READ, ...(input.readsEndpoints ? READ_ENDPOINTS : []), ...(input.probesServices ? PROBE : [])].map((a) => ({
      ...a,
      namespace: input.namespace,
    })),
    ...(input.install ? WRITE.map((a) => ({ ...a, namespace: input.namespace })) : []),
    ...(input.install && !namespaceExists ? [{ group: '', resource: 'namespaces', verb: 'create' }] : []),
  ];
  const denied: string[] = [];
  await Promise.all(
    wanted.map(async (attrs) => {
      try {
        const review = await client.auth.createSelfSubjectAccessReview(
          {
            body: {
              apiVersion: 'authorization.k8s.io/v1',
              kind: 'SelfSubjectAccessReview',
              spec: { resourceAttributes: attrs },
            },
          },
          opts,
        );
        if (!review.status?.allowed)
          denied.push(
            `${attrs.verb} ${attrs.resource}${attrs.subresource ? `/${attrs.subresource}` : ''}${attrs.namespace ? ` in ${attrs.namespace}` : ''}`,
          );
      } catch (err) {
        throw classifyKubeError(err, cluster, 'checking permissions');
      }
    }),
  );
  checks.push({
    name: 'rbac',
    ok: denied.length === 0,
    detail:
      denied.length === 0 ? `may ${input.install ? 'install and ' : ''}monitor` : `denied: ${denied.sort().join(', ')}`,
  });
  return { ok: checks.every((c) => c.ok), serverVersion, namespaceExists, checks };
}
