// The user's model, as written in YAML: `IntegrationTarget` (a cluster) and `Integration` (a tool on clusters),
// apiVersion ksit.io/v1alpha1, compatible with every example in the seed user guide. These schemas check shape
// and meaning; normalize.ts fills defaults and produces the domain types in shared/types.ts.
import { z } from 'zod';
import { TOOL_IDS } from '../types.js';
import { TOOLS } from '../tools/registry.js';
import { parseHealthEndpoint } from './health-endpoint.js';
import { describeValue, dnsName, duration, isRecord, labelMap, namespaceName, strictObject } from './fields.js';
import {
  CHART_VERSION_MESSAGE,
  chartName,
  chartVersionChars,
  durationWithin,
  MAX_INSTALL_TIMEOUT_MS,
  MAX_TARGET_CLUSTERS,
  minHealthIntervalMs,
  repositoryProblem,
  setKeyProblem,
  valuesSizeProblem,
} from './bounds.js';
import { helmValues } from './helm-values.js';
import { resolveInstall, type AutoInstallInput } from './install.js';
import { labelSelector } from './label-selector.js';
import { dependsOnSchema } from './depends-on.js';
import { rolloutSchema } from './rollout.js';
import { API_VERSION } from './constants.js';

export { API_VERSION };

/** Metadata the API server sets; never the user's to write, but present in every object read back. */
const SERVER_METADATA = Object.fromEntries(
  [
    'uid',
    'resourceVersion',
    'generation',
    'creationTimestamp',
    'deletionTimestamp',
    'deletionGracePeriodSeconds',
    'managedFields',
    'finalizers',
    'ownerReferences',
    'generateName',
    'selfLink',
  ].map((key) => [key, z.unknown().optional()]),
);
/** The controller's report, also in what `kubectl get -o yaml` prints; ignored on input. */
const serverStatus = z.unknown().optional();
export const KINDS = ['Integration', 'IntegrationTarget'] as const;
export type Kind = (typeof KINDS)[number];

const metadata = strictObject({
  name: dnsName('a name'),
  namespace: namespaceName.optional(),
  labels: labelMap.nullish(),
  // Accepted so manifests written for kubectl keep working; ksit does not use them.
  annotations: z.record(z.string(), z.string()).nullish(),
  // What `kubectl get -o yaml` adds: tolerated so that an object read back from the API server re-applies.
  ...SERVER_METADATA,
});

// ---------- IntegrationTarget ----------

const targetSpec = strictObject({
  clusterName: dnsName('a cluster name'),
  labels: labelMap.nullish(),
  kubeconfigSecret: dnsName('a Secret name').optional(),
  kubeconfigSecretKey: z
    .string()
    .regex(/^[-._a-zA-Z0-9]+$/, "a Secret key must be letters, digits, '-', '_' and '.'")
    .optional(),
  kubeconfigSecretNamespace: namespaceName.optional(),
  kubeconfigFile: z.string().min(1, 'must not be empty').optional(),
  context: z.string().min(1, 'must not be empty').optional(),
}).superRefine((spec, ctx) => {
  const secretFields = ['kubeconfigSecret', 'kubeconfigSecretKey', 'kubeconfigSecretNamespace'].filter(
    (key) => key in spec,
  );
  if (spec.kubeconfigFile !== undefined && secretFields.length > 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['kubeconfigFile'],
      message: `use either kubeconfigFile (a local file) or ${secretFields.join('/')} (a Secret on the control cluster), not both`,
    });
  }
  if (spec.context !== undefined && spec.kubeconfigFile === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['context'],
      message: 'only used with kubeconfigFile; a kubeconfig Secret uses its current context',
    });
  }
});

export const targetDocument = strictObject({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal('IntegrationTarget'),
  metadata,
  spec: targetSpec,
  status: serverStatus,
});
export type TargetDocument = z.infer<typeof targetDocument>;

// ---------- Integration ----------

const toolType = z.enum(TOOL_IDS, {
  error: (issue) =>
    issue.input === undefined
      ? `required: one of ${TOOL_IDS.join(', ')}`
      : `unknown type ${typeof issue.input === 'string' ? JSON.stringify(issue.input) : describeValue(issue.input)}; valid types: ${TOOL_IDS.join(', ')}`,
});

const component = strictObject({
  kind: z.enum(['Deployment', 'StatefulSet', 'DaemonSet', 'Service']),
  name: dnsName('a workload or Service name'),
  optional: z.boolean().optional(),
});

const chartVersion = z
  .string({
    error: (issue) =>
      typeof issue.input === 'number'
        ? `must be a string: YAML reads an unquoted ${issue.input} as a number (and drops trailing zeros); quote it as written, e.g. version: "${issue.input}"`
        : `expected a chart version string like "5.51.6", got ${describeValue(issue.input)}`,
  })
  .min(1, 'must not be empty');

const repositoryUrl = z
  .string()
  .regex(
    /^(https?|oci):\/\/\S+$/,
    'must be an http(s):// Helm repository URL or an oci:// registry; leave it out when chart is a local path',
  )
  .superRefine((url, ctx) => {
    const problem = repositoryProblem(url);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const helmConfig = strictObject({
  repository: repositoryUrl.optional(),
  chart: chartName.optional(),
  version: chartVersion
    .refine((v) => chartVersionChars.test(v) && !v.startsWith('-'), CHART_VERSION_MESSAGE)
    .optional(),
  releaseName: dnsName('a release name', 53).optional(),
  values: helmValues
    .superRefine((values, ctx) => {
      const tooBig = valuesSizeProblem(values);
      if (tooBig) ctx.addIssue({ code: 'custom', message: tooBig });
      for (const { key } of values.setValues) {
        const problem = setKeyProblem(key);
        if (problem) ctx.addIssue({ code: 'custom', path: [key], message: problem });
      }
    })
    .optional(),
  timeout: duration(1_000)
    .superRefine(durationWithin('an install timeout', 1_000, MAX_INSTALL_TIMEOUT_MS))
    .optional(),
});

const autoInstall = strictObject({
  enabled: z.boolean().optional(),
  method: z.enum(['helm', 'manifest']).optional(),
  helmConfig: helmConfig.optional(),
  manifestConfig: strictObject({ source: z.string().min(1, 'must not be empty') }).optional(),
});

// A semver range over Kubernetes versions, e.g. ">=1.26" or ">=1.24 <1.31"; kept simple on purpose.
const VERSION_COMPARATOR = /^(>=|<=|>|<|=|\^|~)?v?\d+(\.\d+){0,2}$/;
const kubeVersionRange = z.string().refine(
  (range) =>
    range.split('||').every(
      (part) =>
        part.trim() !== '' &&
        part
          .trim()
          .split(/\s+/)
          .every((c) => VERSION_COMPARATOR.test(c)),
    ),
  'expected a version range like ">=1.26" or ">=1.24 <1.31"',
);

const config = strictObject({
  namespace: namespaceName.optional(),
  healthCheckInterval: duration(1_000)
    .superRefine((ms, ctx) =>
      durationWithin(
        'a health check interval',
        minHealthIntervalMs(),
        24 * 3_600_000,
        'KSIT_MIN_HEALTH_INTERVAL',
      )(ms, ctx),
    )
    .optional(),
  gracePeriod: duration(0).optional(),
  // Checked with the type in integrationSpec below (a bare path needs the tool's own Service).
  healthEndpoint: z.string().min(1, 'must not be empty').optional(),
  components: z.array(component).min(1, "must not be empty; leave it out to use the tool's own list").optional(),
  remediation: strictObject({
    reinstallAfterUnhealthyChecks: z.int('expected a whole number').positive('must be 1 or more').optional(),
  }).optional(),
  kubeVersionRange: kubeVersionRange.optional(),
});

const integrationSpec = strictObject({
  type: toolType,
  enabled: z.boolean().optional(),
  targetClusters: z
    .array(dnsName('a cluster name'))
    .max(
      MAX_TARGET_CLUSTERS,
      `at most ${MAX_TARGET_CLUSTERS} clusters per Integration; split it, or use a targetSelector`,
    )
    .optional(),
  targetSelector: labelSelector.optional(),
  autoInstall: autoInstall.optional(),
  config: config.optional(),
  rollout: rolloutSchema.optional(),
  dependsOn: dependsOnSchema.optional(),
  // The Kubernetes front door's switches (Flux conventions): pause the Integration; what deleting it does.
  suspend: z.boolean().optional(),
  deletionPolicy: z.enum(['Orphan', 'Uninstall']).optional(),
}).superRefine(
  (spec, ctx) => {
    // Runs even when other fields are wrong (see `when`), so values may be anything: check before use.
    const clusters = Array.isArray(spec.targetClusters) ? spec.targetClusters : [];
    const noClusters =
      spec.targetClusters === undefined || (Array.isArray(spec.targetClusters) && clusters.length === 0);
    if (noClusters && spec.targetSelector === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['targetClusters'],
        message:
          'say which clusters: give targetClusters (cluster names) and/or targetSelector (matchLabels, matchExpressions)',
      });
    }
    clusters.forEach((name, index) => {
      if (clusters.indexOf(name) !== index)
        ctx.addIssue({ code: 'custom', path: ['targetClusters', index], message: `"${name}" is listed twice` });
    });
    const endpoint = isRecord(spec.config) ? spec.config.healthEndpoint : undefined;
    if (typeof endpoint === 'string' && typeof spec.type === 'string' && spec.type in TOOLS) {
      const parsed = parseHealthEndpoint(endpoint, TOOLS[spec.type].healthService, spec.type);
      if ('problem' in parsed)
        ctx.addIssue({ code: 'custom', path: ['config', 'healthEndpoint'], message: parsed.problem });
    }
    const components = isRecord(spec.config) && Array.isArray(spec.config.components) ? spec.config.components : [];
    if (spec.type === 'custom' && components.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['config', 'components'],
        message:
          'required for type custom: list the workloads that must be ready, e.g. [{kind: Deployment, name: my-tool}]',
      });
    }
  },
  { when: (payload) => isRecord(payload.value) },
);

export const integrationDocument = strictObject({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal('Integration'),
  metadata,
  spec: integrationSpec,
  status: serverStatus,
}).superRefine((doc, ctx) => {
  // Only reached when every field is valid, so the install can be resolved against the registry.
  const resolved = resolveInstall(
    doc.spec.type,
    doc.metadata.name,
    doc.spec.autoInstall as AutoInstallInput | undefined,
  );
  if ('problem' in resolved) {
    ctx.addIssue({
      code: 'custom',
      path: ['spec', 'autoInstall', ...resolved.problem.path],
      message: resolved.problem.message,
    });
  }
});
export type IntegrationDocument = z.infer<typeof integrationDocument>;
