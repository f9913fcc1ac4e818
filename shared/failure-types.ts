// Failure types that activities raise and workflows branch on (failure.cause.type). Every failure an activity
// throws carries one of these; workflows/lifecycle/failure-policy.ts maps each to a phase and a next step, and a
// failure without a type (a bug, or a Temporal timeout) is mapped explicitly too, never silently to Unreachable.
export const FailureType = {
  /** The cluster API did not answer or answered 5xx/429: transient, retried, shown as Unreachable. */
  Unreachable: 'ClusterUnreachable',
  /** 401/403, or a SelfSubjectAccessReview said no: retrying cannot help until someone grants access. */
  Forbidden: 'Forbidden',
  /** Credentials missing or unusable (no Secret, bad kubeconfig, unknown context). */
  BadCredentials: 'BadCredentials',
  /** Helm or the API server refused what we asked (invalid values, chart not found, invalid object). */
  InstallRejected: 'InstallRejected',
  /** A Helm run failed in a way that may pass on another attempt. */
  HelmFailed: 'HelmFailed',
  /** The worker already runs its maximum of Helm processes: retried later, maybe on another worker; not a failure. */
  HelmBusy: 'HelmBusy',
  /** The worker running a health watch is shutting down: the watch is retried on another worker at once. */
  WorkerShutdown: 'WorkerShutdown',
  /** The release is locked by another Helm operation (pending-* or uninstalling): the lifecycle decides what next. */
  ReleaseLocked: 'ReleaseLocked',
  /** A CRD of a manifest install did not become Established in time: the install is not done; retried. */
  CrdNotEstablished: 'CrdNotEstablished',
  /** The API server answered but refused a request with another 4xx (400, 404, 409, 422): retried, shown as Failed. */
  ApiRejected: 'ApiRejected',
  /** A request to the cluster failed inside the client (no HTTP answer, no network error): retried, Failed. */
  ClientError: 'ClientError',
  /** A manifest's source (URL) could not be fetched: not the cluster's fault; retried, shown as Failed. */
  SourceUnavailable: 'SourceUnavailable',
} as const;

export type FailureTypeName = (typeof FailureType)[keyof typeof FailureType];

/**
 * What the workflow calls failures that carry no type of ours: `ActivityTimeout` for a Temporal timeout (every
 * attempt's worker died or hung), `Untyped` for anything else (a bug: the activity should have classified it).
 */
export const UnclassifiedFailure = { ActivityTimeout: 'ActivityTimeout', Untyped: 'Untyped' } as const;
export type UnclassifiedFailureName = (typeof UnclassifiedFailure)[keyof typeof UnclassifiedFailure];
