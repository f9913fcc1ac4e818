import type { V1Pod } from '@kubernetes/client-node';

/**
 * Why a pod is not ready, in the words `kubectl get pods` would use: the first waiting or terminated container
 * reason (with the image for pull errors and restarts for crash loops), else "not ready".
 */
export function podReason(pod: V1Pod): string | undefined {
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  for (const c of statuses) {
    const waiting = c.state?.waiting;
    if (waiting?.reason && waiting.reason !== 'ContainerCreating' && waiting.reason !== 'PodInitializing') {
      if (waiting.reason === 'ImagePullBackOff' || waiting.reason === 'ErrImagePull')
        return `${waiting.reason} ${c.image}`;
      if (waiting.reason === 'CrashLoopBackOff') return `CrashLoopBackOff (${c.restartCount} restarts)`;
      return waiting.reason;
    }
    const terminated = c.state?.terminated;
    if (terminated && terminated.exitCode !== 0) return `${terminated.reason ?? 'Error'} (exit ${terminated.exitCode})`;
  }
  if (pod.status?.phase === 'Pending') {
    const unscheduled = pod.status.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
    return unscheduled ? `Unschedulable: ${unscheduled.message ?? ''}`.trim() : 'Pending';
  }
  if (statuses.some((c) => !c.ready)) return 'not ready';
  return undefined;
}

export function matchesSelector(pod: V1Pod, matchLabels: Record<string, string> | undefined): boolean {
  if (!matchLabels || Object.keys(matchLabels).length === 0) return false;
  const labels = pod.metadata?.labels ?? {};
  return Object.entries(matchLabels).every(([k, v]) => labels[k] === v);
}
