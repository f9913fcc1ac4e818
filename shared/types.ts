// Domain types shared by the CLI, workflows and activities. Pure types only: workflow code imports this file,
// so nothing here may do I/O. The zod schemas in shared/spec/ produce these normalized shapes.

export const TOOL_IDS = ['argocd', 'prometheus', 'istio', 'flux', 'cert-manager', 'kyverno', 'custom'] as const;
export type ToolId = (typeof TOOL_IDS)[number];

/** Kinds whose replicas must be ready. */
export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet';
/** A Service counts as ready when it has a ready endpoint (seed 003: "ensures services have endpoints"). */
export type ComponentKind = WorkloadKind | 'Service';

/** A workload or Service that must (or, when optional, may) be ready for a tool to count as healthy. */
export interface ComponentRef {
  kind: ComponentKind;
  name: string;
  optional?: boolean;
  /** Checked only when it exists (an ingress gateway some installs have): absent is fine, present must be ready. */
  whenPresent?: boolean;
}

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

/**
 * Where a cluster's credentials live. Only this reference travels through workflows and history; activities
 * resolve it to a kubeconfig at the last moment.
 */
export type CredentialRef =
  { kind: 'secret'; namespace: string; name: string; key: string } | { kind: 'file'; path: string; context?: string };

export interface TargetSpec {
  name: string;
  namespace: string;
  clusterName: string;
  labels: Record<string, string>;
  credentials: CredentialRef;
  /** Set when an IntegrationTarget object on the control cluster owns this target. */
  managedBy?: KubernetesOwner;
}

/** A chart source: `repository` is an http(s):// repo URL or an oci:// registry; absent means `chart` is a path. */
export interface HelmChartRef {
  repository?: string;
  chart: string;
  version?: string;
}

/** A flat `--set`-style key (`a.b[0].c`) with its value, kept apart from nested values so Helm parses it itself. */
export interface SetValue {
  key: string;
  value: string | number | boolean | null;
}

export interface HelmInstall {
  method: 'helm';
  chart: HelmChartRef;
  releaseName: string;
  /** Nested values, passed to Helm as a values file. */
  values: Record<string, unknown>;
  /** Flat keys, passed to Helm as `--set key=value`. */
  setValues: SetValue[];
  timeoutMs: number;
}

export interface ManifestInstall {
  method: 'manifest';
  /** http(s):// URL or a local file path of a multi-document YAML; CRDs in it are applied first. */
  source: string;
}

export type InstallSpec = HelmInstall | ManifestInstall;

export interface RemediationPolicy {
  /** Reinstall after this many consecutive unhealthy checks past the grace period; absent: never. */
  reinstallAfterUnhealthyChecks?: number;
}

/** A validated, defaulted Integration: what workflows carry. */
export interface IntegrationSpec {
  name: string;
  namespace: string;
  type: ToolId;
  enabled: boolean;
  targetClusters: string[];
  targetSelector?: LabelSelector;
  /** Absent when autoInstall is off: the tool is then only monitored. */
  install?: InstallSpec;
  /** The namespace on each target cluster where the tool lives. */
  toolNamespace: string;
  healthCheckIntervalMs: number;
  gracePeriodMs: number;
  components: ComponentRef[];
  /** Must also answer 2xx, asked through the API server's service proxy (config.healthEndpoint). */
  healthEndpoint?: HealthEndpoint;
  remediation: RemediationPolicy;
  /** Supported Kubernetes server versions, as a semver range on `major.minor` (e.g. ">=1.26"). */
  kubeVersionRange?: string;
  /** Set when a Kubernetes object owns this Integration (the controller's): the CLI then refuses to change it. */
  managedBy?: KubernetesOwner;
  /** How a change reaches the clusters, wave by wave; absent: every cluster at once. */
  rollout?: RolloutSpec;
  /** Integrations that must be Running (freshly) on a cluster before this one installs or watches there. */
  dependsOn?: DependencyRef[];
}

/** An HTTP GET of `path` on a Service of the tool's namespace, through the API server's service proxy. */
export interface HealthEndpoint {
  scheme: 'http' | 'https';
  service: string;
  /** The Service's port name or number. */
  port: string;
  path: string;
}

/** One entry of spec.dependsOn, namespace filled in. */
export interface DependencyRef {
  name: string;
  namespace: string;
}

/** The Kubernetes object (Integration or IntegrationTarget on the control cluster) that owns a workflow. */
export interface KubernetesOwner {
  kind: 'Integration' | 'IntegrationTarget';
  uid: string;
  /** metadata.generation of the object when this spec was sent. */
  generation: number;
}

/** At most this many clusters of a wave change at once: a count, or a percentage of the wave (rounded up). */
export type MaxParallel = { count: number } | { percent: number };

export interface RolloutWaveSpec {
  name: string;
  /** Target names; a wave has either `clusters` or `selector`. */
  clusters?: string[];
  selector?: LabelSelector;
  /** Absent: the whole wave at once. */
  maxParallel?: MaxParallel;
  /** How long every cluster of the wave must stay Running before the next wave starts. */
  soakMs: number;
  /** True: the wave starts only after `ksit rollout approve`. */
  manualApproval: boolean;
}

export interface RolloutSpec {
  waves: RolloutWaveSpec[];
  /** A cluster that is not Running at the new revision this long after it was sent the change fails the wave. */
  progressDeadlineMs: number;
  onFailure: 'rollback' | 'pause';
}

export type ClusterPhase =
  'Pending' | 'Installing' | 'Progressing' | 'Running' | 'Degraded' | 'Failed' | 'Unreachable' | 'Paused';

/** What a health check saw: `reason` names the first failing component, e.g. "argocd-server: 0/1 ready, ImagePullBackOff". */
export interface ComponentHealth {
  kind: ComponentKind;
  name: string;
  ready: number;
  desired: number;
  healthy: boolean;
  reason?: string;
}

export interface HealthReport {
  healthy: boolean;
  /** True when none of the required components exist: the tool is absent, not broken. */
  absent: boolean;
  components: ComponentHealth[];
  reason?: string;
}

export interface Transition {
  at: string;
  phase: ClusterPhase;
  message: string;
}

export interface ClusterStatus {
  cluster: string;
  phase: ClusterPhase;
  message: string;
  components: ComponentHealth[];
  lastCheckAt?: string;
  transitions: Transition[];
  /** Set on the last report of a lifecycle that ended because its Integration or target was deleted. */
  removed?: boolean;
  /** When the phase or message last changed, when `transitions` are not at hand (a listing read from the memo). */
  since?: string;
  /** Ready and total components when `components` is not at hand (a listing read from the memo). */
  componentCounts?: { ready: number; total: number };
  /** The spec revision this status was observed at (absent from lifecycles started before revisions existed). */
  revision?: number;
  /** Digest of the spec the phase was observed at: a dependency counts as ready only at its current spec. */
  observedSpec?: string;
  /** spec.dependsOn on this cluster: each dependency and what it is here (the dependency graph per cluster). */
  dependencies?: DependencyView[];
  /** Transitive dependencies: key -> path to it (how run-time cycles are found); absent without dependsOn. */
  upstream?: Record<string, string[]>;
}

/** One dependency of an Integration on one cluster, as status shows it. */
export interface DependencyView {
  /** namespace/name */
  dependency: string;
  state: 'ready' | 'waiting' | 'not-targeted' | 'absent' | 'unknown';
  detail: string;
}

export interface IntegrationStatus {
  name: string;
  namespace: string;
  type: ToolId;
  phase: ClusterPhase;
  message: string;
  paused: boolean;
  clusters: ClusterStatus[];
  /** When the Integration was first applied (kept across continue-as-new). */
  createdAt?: string;
  /** spec.dependsOn as namespace/name keys (for listings; the per-cluster picture is in clusters[].dependencies). */
  dependsOn?: string[];
  /** Integrations that depend on this one, per cluster (namespace/name), as registered by their lifecycles. */
  dependents?: Record<string, string[]>;
  /** Where the latest change is on its way to the clusters (see workflows/rollout/). */
  rollout?: { revision: number; state: string; wave: string };
}

export interface TargetStatus {
  name: string;
  namespace: string;
  clusterName: string;
  labels: Record<string, string>;
  ready: boolean;
  message: string;
  serverVersion?: string;
  lastCheckAt?: string;
}
