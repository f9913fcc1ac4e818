import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  isCancellation,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { ClusterPhase, ClusterStatus, ComponentHealth, IntegrationSpec, TargetSpec } from '../shared/types.js';
import type { PairRef, WatchHealthResult } from '../activities/watch-health.js';
import {
  clusterDeleteSignal,
  clusterPauseSignal,
  clusterReinstallSignal,
  clusterSpecSignal,
  clusterStatusQuery,
  clusterStatusSignal,
  type DeleteRequest,
} from './definitions.js';
import { FailureType } from '../shared/failure-types.js';
import { clusterActivities, installActivities, watchActivities } from './activity-proxies.js';
import { KsitCluster, KsitIntegration, KsitKind, KsitPhase, KsitType } from './search-attributes.js';

/** How long one health watch may run before it reports back even if nothing changed: a liveness mark. */
const MAX_WATCH_MS = 60 * 60 * 1000;
/** How often a Failed cluster is looked at again (RBAC granted, tool installed by hand, ...). */
const FAILED_RECHECK_MS = 5 * 60 * 1000;
const KEEP_TRANSITIONS = 20;
/** Continue-as-new well before Temporal's own suggestion, to keep each run's history small and fast to replay. */
const MAX_HISTORY_EVENTS = 2_000;

type Stage = 'preflight' | 'decide' | 'install' | 'monitor';

/** State that survives continue-as-new. */
export interface ClusterLifecycleState {
  status: ClusterStatus;
  stage: Stage;
  paused: boolean;
  reinstallRequested: boolean;
  graceUntil?: number;
  lastSignature?: string;
  installReason?: string;
  /** Why the last install attempts did not start (every worker's Helm slots were taken); cleared once one runs. */
  waitingForHelm?: string;
  /** False from an install until its components are first seen; absent (older runs) counts as seen. */
  componentsSeenSinceInstall?: boolean;
  /** The spec revision this lifecycle runs (absent: started before revisions existed). */
  revision?: number;
  /** The install settings of the last successful install: a revision that changes only values still installs. */
  installedWith?: string;
}

export interface ClusterLifecycleInput {
  integrationWorkflowId: string;
  spec: IntegrationSpec;
  target: TargetSpec;
  paused?: boolean;
  /** The revision of `spec` (see workflows/rollout/revisions.ts); reported back with every status. */
  revision?: number;
  state?: ClusterLifecycleState;
  /** Continue-as-new after this many history events (default 2,000); tests lower it. */
  historyLimit?: number;
}

/**
 * One Integration on one cluster: preflight -> install (when autoInstall is on and the tool is absent or drifted)
 * -> grace period -> health watch, for as long as the Integration lives. Signals from the Integration pause,
 * resume, reinstall, change the spec or delete; every phase transition is reported back to it.
 */
export async function clusterLifecycleWorkflow(input: ClusterLifecycleInput): Promise<ClusterStatus> {
  let spec = input.spec;
  const { target } = input;
  const cluster = target.name;
  const s: ClusterLifecycleState = input.state ?? {
    status: { cluster, phase: 'Pending', message: 'waiting for preflight', components: [], transitions: [] },
    stage: 'preflight',
    paused: input.paused ?? false,
    reinstallRequested: false,
    revision: input.revision,
  };
  let deleteRequest: DeleteRequest | undefined;
  let current: CancellationScope | undefined;
  const interrupt = () => current?.cancel();

  setHandler(clusterStatusQuery, () => s.status);
  setHandler(clusterSpecSignal, (next, revision) => {
    // The same revision sent again (a resent signal, an adopted lifecycle) must not start a second install.
    if (revision !== undefined && revision === s.revision && JSON.stringify(next) === JSON.stringify(spec)) return;
    spec = next;
    s.revision = revision ?? s.revision;
    s.stage = 'preflight';
    // Look again at once: a status at the new revision must come from a check made after the change.
    s.lastSignature = undefined;
    interrupt();
  });
  setHandler(clusterPauseSignal, (paused) => {
    s.paused = paused;
    interrupt();
  });
  setHandler(clusterReinstallSignal, () => {
    s.reinstallRequested = true;
    interrupt();
  });
  setHandler(clusterDeleteSignal, (req) => {
    deleteRequest = req;
    interrupt();
  });

  const ids = { cluster: target.clusterName, credentials: target.credentials };
  /** Labels for the worker's metrics, and the phase it exports while the activity runs (inputs only: no commands). */
  const metricsOf = (): { pair: PairRef; phase: ClusterPhase } => ({
    pair: { namespace: spec.namespace, integration: spec.name, type: spec.type, cluster },
    phase: s.status.phase,
  });
  const parent = getExternalWorkflowHandle(input.integrationWorkflowId);

  async function report(phase: ClusterPhase, message: string, components?: ComponentHealth[], removed = false) {
    const st = s.status;
    const changed = st.phase !== phase || st.message !== message || st.revision !== s.revision;
    if (components) st.components = components;
    if (!changed && !removed) return;
    st.phase = phase;
    st.message = message;
    st.removed = removed || undefined;
    st.revision = s.revision;
    st.transitions = [...st.transitions, { at: new Date().toISOString(), phase, message }].slice(-KEEP_TRANSITIONS);
    upsertSearchAttributes([{ key: KsitPhase, value: phase }]);
    try {
      await parent.signal(clusterStatusSignal, st);
    } catch {
      // The Integration may be gone (deleted or terminated); this lifecycle's own state is still right.
    }
  }

  /** Runs `fn` so that a signal can interrupt it; returns undefined when interrupted. */
  async function interruptible<T>(fn: () => Promise<T>): Promise<T | undefined> {
    current = new CancellationScope();
    try {
      return await current.run(fn);
    } catch (err) {
      if (isCancellation(err)) return undefined;
      throw err;
    } finally {
      current = undefined;
    }
  }

  const wait = (ms: number) => interruptible(() => sleep(ms));

  upsertSearchAttributes([
    { key: KsitKind, value: 'cluster' },
    { key: KsitIntegration, value: `${spec.namespace}/${spec.name}` },
    { key: KsitType, value: spec.type },
    { key: KsitCluster, value: cluster },
  ]);

  for (;;) {
    if (deleteRequest) return finish(deleteRequest);
    if (s.paused || !spec.enabled) {
      await report('Paused', s.paused ? 'paused' : 'disabled in spec (enabled: false)');
      await condition(() => (!s.paused && spec.enabled) || deleteRequest !== undefined);
      if (!deleteRequest) {
        s.stage = 'preflight';
        s.lastSignature = undefined;
      }
      continue;
    }
    if (s.reinstallRequested && spec.install && s.stage !== 'preflight') {
      s.stage = 'install';
      s.installReason = 'reinstall requested';
    }
    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength > (input.historyLimit ?? MAX_HISTORY_EVENTS)) {
      await condition(() => true);
      return continueAsNew<typeof clusterLifecycleWorkflow>({ ...input, spec, state: s });
    }
    try {
      await runStage();
    } catch (err) {
      await onFailure(err);
    }
  }

  async function runStage(): Promise<void> {
    switch (s.stage) {
      case 'preflight':
        return preflightStage();
      case 'decide':
        return decideStage();
      case 'install':
        return installStage();
      case 'monitor':
        return monitorStage();
    }
  }

  async function preflightStage() {
    const result = await interruptible(() =>
      clusterActivities.preflightCluster({
        ...ids,
        namespace: spec.toolNamespace,
        kubeVersionRange: spec.kubeVersionRange,
        install: !!spec.install,
      }),
    );
    if (!result) return;
    if (!result.ok) {
      const failed = result.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);
      await report('Failed', `preflight failed: ${failed.join('; ')}`);
      await wait(FAILED_RECHECK_MS);
      return;
    }
    s.stage = 'decide';
  }

  async function decideStage() {
    const install = spec.install;
    const observed = await interruptible(() =>
      clusterActivities.observeTool({
        ...ids,
        namespace: spec.toolNamespace,
        components: spec.components,
        releaseName: install?.method === 'helm' ? install.releaseName : undefined,
      }),
    );
    if (!observed) return;
    const release = observed.release;
    let reason: string | undefined;
    if (install && s.reinstallRequested) reason = 'reinstall requested';
    else if (install && observed.report.absent) reason = `${spec.type} is not installed`;
    else if (install?.method === 'helm' && release && !release.exists)
      reason = `release ${install.releaseName} is missing`;
    else if (install?.method === 'helm' && release?.status !== 'deployed')
      reason = `release ${install.releaseName} is ${release?.status}`;
    else if (install?.method === 'helm' && install.chart.version && release?.chartVersion !== install.chart.version) {
      reason = `chart ${release?.chartVersion} installed, spec wants ${install.chart.version}`;
    } else if (install && s.installedWith !== undefined && s.installedWith !== JSON.stringify(install)) {
      reason = `install settings changed (revision ${s.revision ?? '?'})`;
    }
    if (reason) {
      s.stage = 'install';
      s.installReason = reason;
      return;
    }
    // Found as the spec asks: from here on, a change of install settings alone is a reason to install.
    if (install) s.installedWith ??= JSON.stringify(install);
    s.stage = 'monitor';
  }

  async function installStage() {
    const install = spec.install;
    if (!install) {
      s.stage = 'monitor';
      return;
    }
    const what =
      install.method === 'helm'
        ? `chart ${install.chart.chart} ${install.chart.version ?? ''}`.trim()
        : `manifest ${install.source}`;
    const waiting = s.waitingForHelm ? `; waiting its turn: ${s.waitingForHelm}` : '';
    await report('Installing', `installing ${what} (${s.installReason ?? 'install'})${waiting}`);
    s.reinstallRequested = false;
    const result = await interruptible(() =>
      installActivities(install).installTool({ ...ids, namespace: spec.toolNamespace, install, ...metricsOf() }),
    );
    if (!result) return;
    s.waitingForHelm = undefined;
    s.installedWith = JSON.stringify(install);
    s.graceUntil = Date.now() + spec.gracePeriodMs;
    s.componentsSeenSinceInstall = false;
    s.lastSignature = undefined;
    s.stage = 'monitor';
    const recovered = result.recovered ? `; ${result.recovered}` : '';
    await report(
      'Progressing',
      `installed: ${result.detail}${recovered}; grace period ${Math.round(spec.gracePeriodMs / 1000)}s`,
    );
  }

  async function monitorStage() {
    const now = Date.now();
    const inGrace = s.graceUntil !== undefined && now < s.graceUntil;
    const returnBy = inGrace ? (s.graceUntil as number) : now + MAX_WATCH_MS;
    const install = spec.install;
    const reinstallAfter = spec.remediation.reinstallAfterUnhealthyChecks;
    const result: WatchHealthResult | undefined = await interruptible(() =>
      watchActivities(spec.healthCheckIntervalMs, returnBy - now).watchHealth({
        ...ids,
        namespace: spec.toolNamespace,
        components: spec.components,
        release:
          install?.method === 'helm' ? { name: install.releaseName, chartVersion: install.chart.version } : undefined,
        intervalMs: spec.healthCheckIntervalMs,
        returnBy,
        lastSignature: s.lastSignature,
        returnAfterUnhealthyChecks: install && !inGrace ? reinstallAfter : undefined,
        unreachableAfterMs: Math.max(10_000, Math.min(spec.healthCheckIntervalMs, 60_000)),
        ...metricsOf(),
      }),
    );
    if (!result) return;
    s.lastSignature = result.signature;
    s.status.lastCheckAt = new Date(result.at).toISOString();
    const o = result.observation;
    if (o.kind === 'unreachable') {
      await report('Unreachable', o.message);
      return;
    }
    const stillInGrace = s.graceUntil !== undefined && Date.now() < s.graceUntil;
    if (!o.report.absent) s.componentsSeenSinceInstall = true;
    if (install && !stillInGrace && o.report.absent && s.componentsSeenSinceInstall === false) {
      // Our own install succeeded yet none of the components exist: installing again would loop forever. The
      // usual cause is a release name that the chart puts in front of its workload names.
      const names = spec.components.filter((c) => !c.optional).map((c) => `${c.kind}/${c.name}`);
      await report(
        'Failed',
        `installed, but none of ${names.join(', ')} exist in namespace ${spec.toolNamespace}; check the ` +
          `release name (charts often prefix workload names with it) or the components; still watching, ` +
          `no reinstall until the spec changes or \`ksit reinstall\``,
        o.report.components,
      );
      // Keep watching rather than wait blind: if the components show up later (a slow operator, a hand fix), the
      // next observation moves the cluster on by itself. The watch returns only when something changes.
      return;
    }
    if (install && !stillInGrace && (o.report.absent || o.drift)) {
      s.stage = 'install';
      s.installReason = o.drift ?? `${spec.type} is not installed`;
      return;
    }
    if (o.report.absent && !install) {
      await report(
        'Failed',
        `${spec.type} is not installed in namespace ${spec.toolNamespace} and autoInstall is off`,
        o.report.components,
      );
      return;
    }
    if (o.report.healthy) {
      s.graceUntil = undefined;
      const n = o.report.components.filter((c) => c.healthy).length;
      await report('Running', `${n}/${o.report.components.length} components ready`, o.report.components);
      return;
    }
    if (stillInGrace) {
      await report('Progressing', `within grace period: ${o.report.reason}`, o.report.components);
      return;
    }
    await report('Degraded', o.report.reason ?? 'unhealthy', o.report.components);
    if (install && reinstallAfter && result.consecutiveUnhealthy >= reinstallAfter) {
      s.stage = 'install';
      s.installReason = `remediation: ${result.consecutiveUnhealthy} consecutive unhealthy checks`;
    }
  }

  async function onFailure(err: unknown): Promise<void> {
    const cause = err instanceof ActivityFailure ? err.cause : err;
    const type = cause instanceof ApplicationFailure ? cause.type : undefined;
    const message = cause instanceof Error ? cause.message : String(cause);
    // Every attempt of a health watch landed on workers that were shutting down: nothing is wrong with the tool or
    // the cluster, so start a fresh watch (a new retry budget) without reporting anything.
    if (type === FailureType.WorkerShutdown) return;
    // Every attempt waited for a Helm slot on busy workers (a large rollout): nothing failed, so stay Installing and
    // try again at once; the install's message says why it has not started (one transition, not one per attempt).
    s.waitingForHelm = type === FailureType.HelmBusy ? message : undefined;
    if (s.waitingForHelm) return;
    if (type === FailureType.HelmFailed) {
      // Helm itself failed on every attempt (a hook that timed out, an object owned by another release): the
      // cluster answers, the tool is not as asked. That needs a look, so Failed, not Unreachable; still retried.
      const step = s.stage === 'install' ? 'install' : 'helm';
      const every = Math.round(spec.healthCheckIntervalMs / 1000);
      await report('Failed', `${step} failed, retrying every ${every}s: ${message}`);
      await wait(spec.healthCheckIntervalMs);
      return;
    }
    if (type === FailureType.Unreachable || type === undefined) {
      // Transient: retries ran out for now. Not a tool failure; look again after one interval.
      await report('Unreachable', message);
      await wait(spec.healthCheckIntervalMs);
      return;
    }
    await report('Failed', message);
    s.stage = 'preflight';
    // A rejected install stays Failed until the spec changes or someone asks for a reinstall.
    if (type === FailureType.InstallRejected) await interruptible(() => condition(() => false));
    else await wait(FAILED_RECHECK_MS);
  }

  async function finish(req: DeleteRequest): Promise<ClusterStatus> {
    if (req.uninstall && spec.install) {
      const install = spec.install;
      await report('Installing', `uninstalling ${spec.type}`);
      try {
        await installActivities(install).uninstallTool({ ...ids, namespace: spec.toolNamespace, install });
      } catch (err) {
        const cause = err instanceof ActivityFailure ? err.cause : err;
        await report(
          'Failed',
          `uninstall failed: ${cause instanceof Error ? cause.message : String(cause)}`,
          undefined,
          true,
        );
        return s.status;
      }
      await report('Pending', 'uninstalled; integration deleted', [], true);
      return s.status;
    }
    await report(s.status.phase, 'integration deleted; tool left installed', undefined, true);
    return s.status;
  }
}
