import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../errors.js';
import type { HelmInstall } from '../../shared/types.js';
import type { ClusterClient } from '../kube/cluster-clients.js';
import { classifyHelmError } from './classify-helm-error.js';
import type { HelmRunner } from './helm-runner.js';
import { readReleaseState } from './release-state.js';
import { setArgs } from './set-args.js';
import { stuckRecovery } from './stuck-release.js';

export interface InstallChartResult {
  releaseName: string;
  revision?: number;
  chartVersion?: string;
  recovered?: string;
}

/**
 * `helm upgrade --install`, idempotent. A release left in pending-* or uninstalling (a worker killed mid-install
 * or mid-recovery) is first recovered (see stuckRecovery), because Helm refuses to touch it otherwise. The
 * caller heartbeats meanwhile (the install activity runs it in a Helm slot, see createActivities).
 */
export async function installChart(
  client: ClusterClient,
  helm: HelmRunner,
  cluster: string,
  namespace: string,
  install: HelmInstall,
): Promise<InstallChartResult> {
  const signal = Context.current().cancellationSignal;
  const recovered = await recoverPending(client, helm, cluster, namespace, install, signal);
  const { chart } = install;
  const result = await helm(
    (dir) => [
      'upgrade',
      '--install',
      install.releaseName,
      chart.repository?.startsWith('oci://') ? `${chart.repository.replace(/\/$/, '')}/${chart.chart}` : chart.chart,
      ...(chart.repository && !chart.repository.startsWith('oci://') ? ['--repo', chart.repository] : []),
      ...(chart.version ? ['--version', chart.version] : []),
      '--namespace',
      namespace,
      '--create-namespace',
      '--values',
      `${dir}/values.json`,
      ...setArgs(install.setValues),
      '--timeout',
      `${Math.max(1, Math.floor(install.timeoutMs / 1000))}s`,
    ],
    {
      kubeconfig: client.kubeconfig,
      timeoutMs: install.timeoutMs + 30_000,
      files: { 'values.json': JSON.stringify(install.values) },
      signal,
    },
  );
  if (result.exitCode !== 0) throw classifyHelmError('upgrade --install', cluster, result.stderr);
  const state = await readReleaseState(client, namespace, install.releaseName);
  return { releaseName: install.releaseName, revision: state.revision, chartVersion: state.chartVersion, recovered };
}

async function recoverPending(
  client: ClusterClient,
  helm: HelmRunner,
  cluster: string,
  namespace: string,
  install: HelmInstall,
  signal: AbortSignal,
): Promise<string | undefined> {
  const state = await readReleaseState(client, namespace, install.releaseName);
  const recovery = stuckRecovery(state);
  if (!recovery) return undefined;
  const rollback = recovery.verb === 'rollback';
  const args = rollback
    ? ['rollback', install.releaseName, String(recovery.revision), '--namespace', namespace]
    : ['uninstall', install.releaseName, '--namespace', namespace];
  const result = await helm(() => args, { kubeconfig: client.kubeconfig, timeoutMs: 120_000, signal });
  if (result.exitCode !== 0) {
    throw ApplicationFailure.retryable(
      classifyHelmError(args[0] ?? 'recover', cluster, result.stderr).message,
      FailureType.HelmFailed,
    );
  }
  return `release ${install.releaseName} was stuck in ${state.status} (revision ${state.revision}); ${
    rollback ? `rolled back to revision ${recovery.revision}` : 'uninstalled it'
  } before installing`;
}
