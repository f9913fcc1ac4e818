import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../errors.js';
import type { HelmInstall } from '../../shared/types.js';
import type { ClusterClient } from '../kube/cluster-clients.js';
import { classifyHelmError } from './classify-helm-error.js';
import type { HelmRunner } from './helm-runner.js';
import { readReleaseState } from './release-state.js';
import { setArgs } from './set-args.js';
import { isLockedStatus } from '../../shared/lifecycle/drift.js';

export interface InstallChartResult {
  releaseName: string;
  revision?: number;
  chartVersion?: string;
}

/**
 * `helm upgrade --install`, idempotent. It does not decide about a release locked by another Helm operation
 * (pending-* or uninstalling): it refuses with ReleaseLocked and the lifecycle decides whether to wait for that
 * operation or to recover the release (shared/lifecycle/drift.ts). The caller heartbeats meanwhile (the install
 * activity runs it in a Helm slot, see createActivities).
 */
export async function installChart(
  client: ClusterClient,
  helm: HelmRunner,
  cluster: string,
  namespace: string,
  install: HelmInstall,
): Promise<InstallChartResult> {
  const signal = Context.current().cancellationSignal;
  const before = await readReleaseState(client, namespace, install.releaseName);
  if (before.exists && isLockedStatus(before.status)) {
    throw ApplicationFailure.nonRetryable(
      `release ${install.releaseName} on ${cluster} is ${before.status} (revision ${before.revision}): another ` +
        `Helm operation holds it`,
      FailureType.ReleaseLocked,
    );
  }
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
  return { releaseName: install.releaseName, revision: state.revision, chartVersion: state.chartVersion };
}
