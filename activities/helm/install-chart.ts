import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../errors.js';
import type { HelmInstall } from '../../shared/types.js';
import { checkRepositoryUrl, refuseInstall, SETTINGS, type InstallPolicy } from '../install-policy.js';
import type { ClusterClient } from '../kube/cluster-clients.js';
import { confinedPath } from '../kube/credential-policy.js';
import { classifyHelmError } from './classify-helm-error.js';
import type { HelmRunner } from './helm-runner.js';
import { assertOwned, markClaim, releaseLabels, type ReleaseOwner } from './release-owner.js';
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
 * operation or to recover the release (shared/lifecycle/drift.ts). A release that exists and is not this
 * Integration's (hand-installed, or another Integration's) is never touched (release-owner.ts). The caller
 * heartbeats meanwhile (the install activity runs it in a Helm slot, see createActivities).
 */
export async function installChart(
  client: ClusterClient,
  helm: HelmRunner,
  cluster: string,
  namespace: string,
  install: HelmInstall,
  owner: ReleaseOwner,
  policy: InstallPolicy,
): Promise<InstallChartResult> {
  const signal = Context.current().cancellationSignal;
  const chartRef = await chartArgument(install, policy);
  const before = await readReleaseState(client, namespace, install.releaseName);
  try {
    assertOwned(before, owner, install.releaseName, namespace, cluster, 'upgrade');
  } catch (err) {
    await markClaim(client, before, owner, install.releaseName, namespace);
    throw err;
  }
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
      ...(chart.repository && !chart.repository.startsWith('oci://') ? [`--repo=${chart.repository}`] : []),
      ...(chart.version ? [`--version=${chart.version}`] : []),
      `--namespace=${namespace}`,
      '--create-namespace',
      `--labels=${releaseLabels(owner, chart.version)}`,
      '--values',
      `${dir}/values.json`,
      ...setArgs(install.setValues),
      '--timeout',
      `${Math.max(1, Math.floor(install.timeoutMs / 1000))}s`,
      '--output',
      'json',
      // Names after `--` are never read as flags, whatever they hold.
      '--',
      install.releaseName,
      chartRef,
    ],
    {
      kubeconfig: client.kubeconfig,
      timeoutMs: install.timeoutMs + 30_000,
      files: { 'values.json': JSON.stringify(install.values) },
      signal,
    },
  );
  if (result.exitCode !== 0) throw classifyHelmError('upgrade --install', cluster, result.stderr, install);
  const release = parseRelease(result.stdout);
  return { releaseName: install.releaseName, revision: release.version, chartVersion: release.chart };
}

/** The chart as Helm's positional argument: a name in a repository, an oci:// reference, or an allowed local path. */
async function chartArgument(install: HelmInstall, policy: InstallPolicy): Promise<string> {
  const { chart } = install;
  if (chart.repository) {
    checkRepositoryUrl(chart.repository, policy);
    return chart.repository.startsWith('oci://')
      ? `${chart.repository.replace(/\/$/, '')}/${chart.chart}`
      : chart.chart;
  }
  const local = await confinedPath(chart.chart, policy.sourceDirs);
  if (!local) {
    refuseInstall(
      `spec.autoInstall.helmConfig.chart ${chart.chart} is not usable: without a repository a chart must be a ` +
        `local path in a directory the operator allows with ${SETTINGS.sourceDirs}`,
    );
  }
  return local;
}

/** Revision and chart version from `helm upgrade -o json` (the rest, values included, is dropped at once). */
function parseRelease(stdout: string): { version?: number; chart?: string } {
  try {
    const r = JSON.parse(stdout) as { version?: number; chart?: { metadata?: { version?: string } } };
    return { version: r.version, chart: r.chart?.metadata?.version };
  } catch {
    return {};
  }
}
