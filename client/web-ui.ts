// Links into the Temporal Web UI, where each Integration's full history lives.
import { resolveConnection } from './temporal.js';

/**
 * The UI base URL: KSIT_WEB_UI_URL when set; otherwise, for a server on this machine, the dev server's UI on
 * the port next to it (7233 -> 8233, as `temporal server start-dev` does); otherwise unknown.
 */
export function webUiBase(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.KSIT_WEB_UI_URL) return env.KSIT_WEB_UI_URL.replace(/\/+$/, '');
  const { address } = resolveConnection();
  const match = /^(127\.0\.0\.1|localhost):(\d+)$/.exec(address);
  return match ? `http://${match[1]}:${Number(match[2]) + 1000}` : undefined;
}

export function workflowUrl(workflowId: string): string {
  const base = webUiBase();
  if (!base) return 'set KSIT_WEB_UI_URL to get a link to the Temporal Web UI';
  const { namespace } = resolveConnection();
  return `${base}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
