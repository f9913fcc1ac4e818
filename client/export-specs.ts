// `ksit get ... --export`: the specs of running Integrations and targets, as YAML documents that `ksit apply` or
// `kubectl apply` take back (backup, and migration from the CLI-only mode to the Kubernetes front door, as seed 001
// asked). Rebuilt from the normalized specs the workflows hold, so defaults appear spelled out. Helm values often
// carry passwords: they are left out unless asked for.
import type { Client } from '@temporalio/client';
import { API_VERSION } from '../shared/spec/constants.js';
import { formatDuration } from '../shared/spec/duration.js';
import { formatHealthEndpoint } from '../shared/spec/health-endpoint.js';
import type { IntegrationSpec, RolloutSpec, TargetSpec } from '../shared/types.js';
import { integrationSpecQuery } from '../workflows/definitions.js';
import { KINDS, type Kind } from './kinds.js';
import { askWorker } from './status-list.js';

const VALUES_HIDDEN = 'ksit.io/values-omitted';

function rolloutOf(r: RolloutSpec): object {
  return {
    waves: r.waves.map((w) => ({
      name: w.name,
      ...(w.clusters ? { clusters: w.clusters } : {}),
      ...(w.selector ? { selector: w.selector } : {}),
      ...(w.maxParallel
        ? { maxParallel: 'count' in w.maxParallel ? w.maxParallel.count : `${w.maxParallel.percent}%` }
        : {}),
      ...(w.soakMs > 0 ? { soak: formatDuration(w.soakMs) } : {}),
      ...(w.manualApproval ? { approval: 'manual' } : {}),
    })),
    progressDeadline: formatDuration(r.progressDeadlineMs),
    onFailure: r.onFailure,
  };
}

/** An Integration document from the spec its workflow holds. */
export function integrationDocumentOf(spec: IntegrationSpec, showValues = false): Record<string, unknown> {
  const install = spec.install;
  let autoInstall: object = { enabled: false };
  let valuesOmitted = false;
  if (install?.method === 'helm') {
    const values = {
      ...install.values,
      ...Object.fromEntries(install.setValues.map((v) => [v.key, v.value])),
    };
    valuesOmitted = !showValues && Object.keys(values).length > 0;
    autoInstall = {
      method: 'helm',
      helmConfig: {
        ...(install.chart.repository ? { repository: install.chart.repository } : {}),
        chart: install.chart.chart,
        ...(install.chart.version ? { version: install.chart.version } : {}),
        releaseName: install.releaseName,
        ...(showValues && Object.keys(values).length > 0 ? { values } : {}),
        timeout: formatDuration(install.timeoutMs),
      },
    };
  } else if (install?.method === 'manifest') {
    autoInstall = { method: 'manifest', manifestConfig: { source: install.source } };
  }
  return {
    apiVersion: API_VERSION,
    kind: 'Integration',
    metadata: {
      name: spec.name,
      namespace: spec.namespace,
      ...(valuesOmitted
        ? { annotations: { [VALUES_HIDDEN]: 'Helm values left out; ksit get --export --show-values' } }
        : {}),
    },
    spec: {
      type: spec.type,
      ...(spec.enabled ? {} : { enabled: false }),
      ...(spec.targetClusters.length > 0 ? { targetClusters: spec.targetClusters } : {}),
      ...(spec.targetSelector ? { targetSelector: spec.targetSelector } : {}),
      autoInstall,
      config: {
        namespace: spec.toolNamespace,
        healthCheckInterval: formatDuration(spec.healthCheckIntervalMs),
        gracePeriod: formatDuration(spec.gracePeriodMs),
        components: spec.components,
        ...(spec.healthEndpoint ? { healthEndpoint: formatHealthEndpoint(spec.healthEndpoint) } : {}),
        ...(spec.remediation.reinstallAfterUnhealthyChecks ? { remediation: spec.remediation } : {}),
        ...(spec.kubeVersionRange ? { kubeVersionRange: spec.kubeVersionRange } : {}),
      },
      ...(spec.rollout ? { rollout: rolloutOf(spec.rollout) } : {}),
      ...(spec.dependsOn?.length
        ? { dependsOn: spec.dependsOn.map((d) => ({ name: d.name, namespace: d.namespace })) }
        : {}),
    },
  };
}

/** An IntegrationTarget document from the spec its workflow's memo holds (a credential reference only). */
export function targetDocumentOf(spec: TargetSpec): Record<string, unknown> {
  const c = spec.credentials;
  const credentials =
    c.kind === 'secret'
      ? { kubeconfigSecret: c.name, kubeconfigSecretKey: c.key, kubeconfigSecretNamespace: c.namespace }
      : { kubeconfigFile: c.path, ...(c.context ? { context: c.context } : {}) };
  return {
    apiVersion: API_VERSION,
    kind: 'IntegrationTarget',
    metadata: { name: spec.name, namespace: spec.namespace },
    spec: {
      clusterName: spec.clusterName,
      ...(Object.keys(spec.labels).length > 0 ? { labels: spec.labels } : {}),
      ...credentials,
    },
  };
}

/** Every running object of `kind`, as applicable documents, in name order. */
export async function exportDocuments(client: Client, kind: Kind, showValues: boolean): Promise<object[]> {
  const ids: string[] = [];
  const query = `KsitKind = '${KINDS[kind].searchKind}' AND ExecutionStatus = 'Running'`;
  for await (const wf of client.workflow.list({ query })) ids.push(wf.workflowId);
  ids.sort();
  const documents: object[] = [];
  for (const id of ids) {
    const handle = client.workflow.getHandle(id);
    if (kind === 'integration') {
      const spec = await askWorker(handle.query(integrationSpecQuery));
      documents.push(integrationDocumentOf(spec, showValues));
    } else {
      const target = ((await (await handle.describe()).memo) as { target?: TargetSpec } | undefined)?.target;
      if (target) documents.push(targetDocumentOf(target));
    }
  }
  return documents;
}
