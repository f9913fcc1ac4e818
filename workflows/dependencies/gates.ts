// From the reports a dependent lifecycle has received, the gates that hold its install (or first watch) back on
// its cluster, what its status shows about each dependency, and its transitive dependencies (how cycles created at
// run time are found: a lifecycle that finds itself upstream of itself is Failed with the cycle). Pure.
import { dependencyKey, dependencyLabel, formatCycle } from '../../shared/dependencies/cycles.js';
import type { DependencyView, IntegrationSpec } from '../../shared/types.js';
import type { Gate } from '../lifecycle/types.js';
import type { DependencyReport } from './types.js';

export const DEPENDENCY_GATE = 'dependency';

export interface DependencyPicture {
  gates: Gate[];
  views: DependencyView[];
  upstream: Record<string, string[]>;
}

export function dependencyPicture(
  spec: IntegrationSpec,
  cluster: string,
  reports: Readonly<Record<string, DependencyReport>>,
): DependencyPicture {
  const self = `${spec.namespace}/${spec.name}`;
  const gates: Gate[] = [];
  const views: DependencyView[] = [];
  const upstream: Record<string, string[]> = {};
  const deps = spec.dependsOn ?? [];
  for (const dep of deps) {
    const key = dependencyKey(dep);
    upstream[key] ??= [key];
  }
  for (const dep of deps) {
    const key = dependencyKey(dep);
    const label = dependencyLabel(dep, spec.namespace);
    const report = reports[key];
    for (const [k, path] of Object.entries(report?.upstream ?? {})) upstream[k] ??= [key, ...path];
    const waiting = (detail: string): Gate => ({
      name: `${label} on ${cluster}`,
      met: false,
      message: detail,
      from: DEPENDENCY_GATE,
    });
    if (!report) {
      gates.push(waiting('no report from it yet'));
      views.push({ dependency: key, state: 'unknown', detail: 'no report yet' });
      continue;
    }
    views.push({ dependency: key, state: report.state, detail: report.detail });
    switch (report.state) {
      case 'ready':
        gates.push({ name: `${label} on ${cluster}`, met: true, message: 'Running', from: DEPENDENCY_GATE });
        break;
      case 'waiting':
        gates.push(waiting(report.detail));
        break;
      case 'absent':
        gates.push(waiting(report.detail || `no Integration ${key}`));
        break;
      case 'not-targeted':
        gates.push({
          ...waiting(report.detail),
          statusMessage:
            `dependency ${label} does not target ${cluster}, so ${spec.name} will not be installed here: ` +
            `add ${cluster} to ${label}'s targets, or remove it from spec.dependsOn`,
        });
        break;
    }
  }
  const loop = upstream[self];
  if (loop) {
    // Found ourselves upstream of ourselves: a cycle, which nothing can resolve but a spec change.
    gates.unshift({
      name: 'dependency cycle',
      met: false,
      message: 'cycle',
      from: DEPENDENCY_GATE,
      phase: 'Failed',
      statusMessage: `dependency cycle: ${formatCycle([self, ...loop.slice(0, -1)])}; change spec.dependsOn of one of them`,
    });
    delete upstream[self];
  }
  return { gates, views, upstream };
}

/**
 * What a running dependent's status notes about dependencies that are no longer ready (it is never uninstalled or
 * reinstalled for them), e.g. `dependency cert-manager on cluster-1 is Degraded`. Empty when all are ready.
 */
export function dependencyNote(picture: DependencyPicture): string {
  const notReady = picture.gates.filter((g) => !g.met && g.phase !== 'Failed');
  return notReady.map((g) => `dependency ${g.name} is ${g.message}`).join('; ');
}

const NOTE_MARK = ' · ';

/** The message with the dependency note (replacing an earlier one); idempotent. */
export function withNote(message: string, note: string): string {
  const base = message.split(NOTE_MARK)[0] as string;
  return note ? `${base}${NOTE_MARK}${note}` : base;
}
