// Which (Integration, cluster) pairs a worker process exports on /metrics: the worker running a pair's health watch
// is the one exporting it, so this says where the monitors run.
import type { IntegrationSpec, TargetSpec } from '../../../shared/types.js';
import { waitFor } from '../env/environment.js';
import { sample, type WorkerProcess } from './worker-process.js';

export interface Pair {
  spec: IntegrationSpec;
  target: TargetSpec;
}

export function pairsOf(specs: IntegrationSpec[], targets: TargetSpec[]): Pair[] {
  return specs.flatMap((spec) => targets.map((target) => ({ spec, target })));
}

/** The phase a worker exports for the pair (the one whose ksit_integration_phase is 1), or undefined. */
export function exportedPhase(metrics: string, { spec, target }: Pair): string | undefined {
  const labels = { namespace: spec.namespace, integration: spec.name, cluster: target.name, type: spec.type };
  const phases = ['Pending', 'Installing', 'Progressing', 'Running', 'Degraded', 'Failed', 'Unreachable', 'Paused'];
  return phases.find((phase) => sample(metrics, 'ksit_integration_phase', { ...labels, phase }) === 1);
}

/** Waits until the worker exports every pair in `phase`. */
export async function untilExported(worker: WorkerProcess, pairs: Pair[], phase: string, timeoutMs: number) {
  return waitFor(
    `worker ${worker.name} exporting ${pairs.length} pairs ${phase}`,
    async () => {
      const { body } = await worker.get('/metrics');
      const missing = pairs.filter((p) => exportedPhase(body, p) !== phase);
      if (missing.length)
        throw new Error(`not yet: ${missing.map((p) => `${p.spec.name}@${p.target.name}`).join(', ')}`);
      return body;
    },
    { timeoutMs, intervalMs: 1_000 },
  );
}
