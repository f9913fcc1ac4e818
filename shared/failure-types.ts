// Failure types that activities raise and workflows branch on (failure.cause.type).
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
} as const;
