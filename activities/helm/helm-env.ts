import { join } from 'node:path';

/**
 * The environment a Helm process gets: an allow-list, not the worker's own. The worker's environment holds its
 * Temporal credentials and codec key (TEMPORAL_*, KSIT_*), and HELM_* / KUBECONFIG would redirect Helm to other
 * plugins, repositories, registries or clusters than the ones the spec names.
 */
const PASSED = [
  'PATH',
  'HOME',
  'TMPDIR',
  'LANG',
  'HTTPS_PROXY',
  'HTTP_PROXY',
  'NO_PROXY',
  'https_proxy',
  'http_proxy',
  'no_proxy',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
];

export function helmEnv(helmHome: string, from: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of PASSED) {
    const value = from[name];
    if (value !== undefined) env[name] = value;
  }
  return {
    ...env,
    HELM_CACHE_HOME: join(helmHome, 'cache'),
    HELM_CONFIG_HOME: join(helmHome, 'config'),
    HELM_DATA_HOME: join(helmHome, 'data'),
    // Plugins could run anything; ksit uses none.
    HELM_PLUGINS: join(helmHome, 'no-plugins'),
  };
}
