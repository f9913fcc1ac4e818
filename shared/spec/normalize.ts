// Validated documents -> the domain types workflows carry (shared/types.ts), with every default filled in, so
// nothing downstream has to know what the user left out.
import { TOOLS } from '../tools/registry.js';
import type { CredentialRef, HealthEndpoint, IntegrationSpec, LabelSelector, TargetSpec } from '../types.js';
import { parseHealthEndpoint } from './health-endpoint.js';
import { resolveInstall, type AutoInstallInput } from './install.js';
import { toDependencyRefs } from './depends-on.js';
import { toRolloutSpec } from './rollout.js';
import type { IntegrationDocument, TargetDocument } from './schema.js';
import { DEFAULTS } from './constants.js';

export { DEFAULTS };

export function toTargetSpec(doc: TargetDocument): TargetSpec {
  const namespace = doc.metadata.namespace ?? DEFAULTS.namespace;
  const { spec } = doc;
  const credentials: CredentialRef =
    spec.kubeconfigFile !== undefined
      ? { kind: 'file', path: spec.kubeconfigFile, ...(spec.context !== undefined ? { context: spec.context } : {}) }
      : {
          kind: 'secret',
          namespace: spec.kubeconfigSecretNamespace ?? namespace,
          name: spec.kubeconfigSecret ?? `${spec.clusterName}-kubeconfig`,
          key: spec.kubeconfigSecretKey ?? DEFAULTS.kubeconfigSecretKey,
        };
  return {
    name: doc.metadata.name,
    namespace,
    clusterName: spec.clusterName,
    // Both label maps select the target; spec.labels win on a clash because they are the more specific place.
    labels: { ...doc.metadata.labels, ...spec.labels },
    credentials,
  };
}

export function toIntegrationSpec(doc: IntegrationDocument): IntegrationSpec {
  const { metadata, spec } = doc;
  const tool = TOOLS[spec.type];
  const config = spec.config ?? {};
  const resolved = resolveInstall(spec.type, metadata.name, spec.autoInstall as AutoInstallInput | undefined);
  // The schema has already reported any install it cannot resolve, so a problem here is a bug, not bad input.
  if ('problem' in resolved) throw new Error(`unresolved install passed validation: ${resolved.problem.message}`);
  const kubeVersionRange = config.kubeVersionRange ?? tool.kubeVersionRange;
  return {
    name: metadata.name,
    namespace: metadata.namespace ?? DEFAULTS.namespace,
    type: spec.type,
    enabled: spec.enabled ?? true,
    targetClusters: spec.targetClusters ?? [],
    ...(spec.targetSelector ? { targetSelector: toSelector(spec.targetSelector) } : {}),
    ...(resolved.install ? { install: resolved.install } : {}),
    toolNamespace: config.namespace ?? tool.defaultNamespace,
    healthCheckIntervalMs: config.healthCheckInterval ?? DEFAULTS.healthCheckIntervalMs,
    gracePeriodMs: config.gracePeriod ?? DEFAULTS.gracePeriodMs,
    components: (config.components ?? tool.components).map((c) => ({
      kind: c.kind,
      name: c.name,
      ...(c.optional ? { optional: true } : {}),
    })),
    ...(config.healthEndpoint ? { healthEndpoint: healthEndpointOf(config.healthEndpoint, spec.type) } : {}),
    remediation: config.remediation?.reinstallAfterUnhealthyChecks
      ? { reinstallAfterUnhealthyChecks: config.remediation.reinstallAfterUnhealthyChecks }
      : {},
    ...(kubeVersionRange ? { kubeVersionRange } : {}),
    ...(spec.rollout ? { rollout: toRolloutSpec(spec.rollout) } : {}),
    ...(spec.dependsOn?.length
      ? { dependsOn: toDependencyRefs(spec.dependsOn, metadata.namespace ?? DEFAULTS.namespace) }
      : {}),
  };
}

function healthEndpointOf(text: string, type: IntegrationSpec['type']): HealthEndpoint {
  const parsed = parseHealthEndpoint(text, TOOLS[type].healthService, type);
  // The schema has already refused an endpoint that does not parse.
  if ('problem' in parsed) throw new Error(`unparsed healthEndpoint passed validation: ${parsed.problem}`);
  return parsed;
}

// Copies only the selector's known fields: the parsed object may carry no others, but workflows get plain data.
function toSelector(selector: NonNullable<IntegrationDocument['spec']['targetSelector']>): LabelSelector {
  return {
    ...(selector.matchLabels ? { matchLabels: { ...selector.matchLabels } } : {}),
    ...(selector.matchExpressions
      ? {
          matchExpressions: selector.matchExpressions.map((req) => ({
            key: req.key,
            operator: req.operator,
            ...(req.values ? { values: [...req.values] } : {}),
          })),
        }
      : {}),
  };
}
