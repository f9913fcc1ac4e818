// Turns an Integration's `autoInstall` into a concrete InstallSpec, filling gaps from the tool registry (the seed's
// `autoInstall: {enabled: true, method: helm}` names no chart at all). Used twice: by the schema to report what
// cannot be resolved, and by normalization to build the spec, so both always agree.
import { TOOLS } from '../tools/registry.js';
import type { HelmInstall, InstallSpec, ToolId } from '../types.js';
import type { SplitValues } from './helm-values.js';

export const DEFAULT_HELM_TIMEOUT_MS = 10 * 60_000;
const MAX_RELEASE_NAME = 53; // Helm's limit: release names end up in label values with a suffix.

export interface AutoInstallInput {
  enabled?: boolean;
  method?: 'helm' | 'manifest';
  helmConfig?: {
    repository?: string;
    chart?: string;
    version?: string;
    releaseName?: string;
    values?: SplitValues;
    timeout?: number;
  };
  manifestConfig?: { source: string };
}

/** Either the install to run (none when autoInstall is off) or why there is none; `path` is under `spec.autoInstall`. */
export type InstallResolution = { install?: InstallSpec } | { problem: { path: PropertyKey[]; message: string } };

function problem(path: PropertyKey[], message: string): InstallResolution {
  return { problem: { path, message } };
}

export function resolveInstall(
  type: ToolId,
  integrationName: string,
  auto: AutoInstallInput | undefined,
): InstallResolution {
  if (!auto || auto.enabled === false) return {};
  const tool = TOOLS[type];
  const method =
    auto.method ?? (auto.helmConfig ? 'helm' : auto.manifestConfig ? 'manifest' : tool.defaultInstall?.method);
  if (!method) {
    return problem(
      ['helmConfig', 'chart'],
      `required: ${tool.displayName} has no default chart; give helmConfig.chart (and repository, version), or set autoInstall.enabled: false`,
    );
  }
  if (method === 'helm') {
    if (auto.manifestConfig)
      return problem(['manifestConfig'], 'only used with method: manifest; remove it or set method: manifest');
    return resolveHelm(type, integrationName, auto.helmConfig ?? {});
  }
  if (auto.helmConfig) return problem(['helmConfig'], 'only used with method: helm; remove it or set method: helm');
  const fallback = tool.defaultInstall?.method === 'manifest' ? tool.defaultInstall.source : undefined;
  const source = auto.manifestConfig?.source ?? fallback;
  if (!source) {
    return problem(
      ['manifestConfig', 'source'],
      `required: ${tool.displayName} has no default manifest; give the URL or path of a multi-document YAML`,
    );
  }
  return { install: { method: 'manifest', source } };
}

function resolveHelm(
  type: ToolId,
  integrationName: string,
  given: NonNullable<AutoInstallInput['helmConfig']>,
): InstallResolution {
  const tool = TOOLS[type];
  const known = tool.defaultInstall?.method === 'helm' ? tool.defaultInstall : undefined;
  const chartName = given.chart ?? known?.chart.chart;
  if (!chartName) {
    const other = tool.defaultInstall ? ` (its default is method: ${tool.defaultInstall.method})` : '';
    return problem(['helmConfig', 'chart'], `required: ${tool.displayName} has no default Helm chart${other}`);
  }
  // The registry's repository and version apply only to the registry's own chart: a chart named without a
  // repository is a local path, and another chart's version is unknown to us (absent means Helm's latest).
  const isKnownChart = known !== undefined && chartName === known.chart.chart;
  const repository =
    given.repository ?? (given.chart === undefined || isKnownChart ? known?.chart.repository : undefined);
  const version = given.version ?? (isKnownChart ? known?.chart.version : undefined);
  const releaseName = given.releaseName ?? known?.releaseName ?? integrationName;
  if (releaseName.length > MAX_RELEASE_NAME) {
    return problem(
      ['helmConfig', 'releaseName'],
      `required: the Integration name is too long to be a Helm release name (max ${MAX_RELEASE_NAME}); set releaseName`,
    );
  }
  const install: HelmInstall = {
    method: 'helm',
    chart: { chart: chartName, ...(repository ? { repository } : {}), ...(version ? { version } : {}) },
    releaseName,
    values: given.values?.values ?? {},
    setValues: given.values?.setValues ?? [],
    timeoutMs: given.timeout ?? DEFAULT_HELM_TIMEOUT_MS,
  };
  return { install };
}
