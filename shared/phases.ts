import type { ClusterPhase, ClusterStatus } from './types.js';

// Worst first: the Integration shows the worst phase among its clusters.
const SEVERITY: ClusterPhase[] = [
  'Failed',
  'Degraded',
  'Unreachable',
  'Installing',
  'Progressing',
  'Pending',
  'Paused',
  'Running',
];

/** The Integration's phase and one-line message, from its clusters' phases. */
export function aggregatePhase(
  clusters: ClusterStatus[],
  missing: string[] = [],
): { phase: ClusterPhase; message: string } {
  if (clusters.length === 0) {
    return {
      phase: missing.length > 0 ? 'Failed' : 'Pending',
      message:
        missing.length > 0 ? `no IntegrationTarget named ${missing.join(', ')}` : 'no target clusters resolved yet',
    };
  }
  const phase = SEVERITY.find((p) => clusters.some((c) => c.phase === p)) ?? 'Pending';
  const running = clusters.filter((c) => c.phase === 'Running').length;
  const worst = clusters.find((c) => c.phase === phase);
  const summary = `${running}/${clusters.length} clusters Running`;
  const missingNote = missing.length > 0 ? `; no IntegrationTarget named ${missing.join(', ')}` : '';
  if (phase === 'Running') return { phase, message: summary + missingNote };
  return { phase, message: `${summary}; ${worst?.cluster}: ${phase}: ${worst?.message}${missingNote}` };
}
