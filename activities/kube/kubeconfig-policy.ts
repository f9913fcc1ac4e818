import { ApplicationFailure } from '@temporalio/common';
import { isMap, parseDocument, stringify } from 'yaml';
import { FailureType } from '../errors.js';

/**
 * Kubeconfig features that let whoever wrote a kubeconfig act on the worker rather than on their cluster: run a
 * command (exec, auth-provider), make the worker read its own files (token-file, certificate paths), send traffic
 * somewhere else (proxy-url) or talk to anyone pretending to be the cluster (insecure TLS, plain http). Each is
 * refused unless the operator turns it on, as Flux's controllers do (--insecure-kubeconfig-exec/-tls).
 */
export const KUBECONFIG_ALLOWANCES = {
  exec: {
    env: 'KSIT_KUBECONFIG_ALLOW_EXEC',
    chart: 'security.kubeconfig.allowExec',
    why: 'an exec credential plugin runs a command on the worker',
  },
  authProvider: {
    env: 'KSIT_KUBECONFIG_ALLOW_AUTH_PROVIDER',
    chart: 'security.kubeconfig.allowAuthProvider',
    why: 'an auth-provider can run a command (gcp cmd-path) or call out with the worker’s identity',
  },
  filePaths: {
    env: 'KSIT_KUBECONFIG_ALLOW_FILE_PATHS',
    chart: 'security.kubeconfig.allowFilePaths',
    why: 'a file path makes the worker read and send one of its own files',
  },
  proxyUrl: {
    env: 'KSIT_KUBECONFIG_ALLOW_PROXY_URL',
    chart: 'security.kubeconfig.allowProxyUrl',
    why: 'a proxy sends the credentials and traffic through a host the kubeconfig chooses',
  },
  insecureTls: {
    env: 'KSIT_KUBECONFIG_ALLOW_INSECURE_TLS',
    chart: 'security.kubeconfig.allowInsecureTls',
    why: 'without TLS verification anyone on the path can pose as the cluster and take the credentials',
  },
} as const;

export type KubeconfigAllowance = keyof typeof KUBECONFIG_ALLOWANCES;
export type KubeconfigAllowances = Record<KubeconfigAllowance, boolean>;

export const STRICT_KUBECONFIG: KubeconfigAllowances = {
  exec: false,
  authProvider: false,
  filePaths: false,
  proxyUrl: false,
  insecureTls: false,
};

/** What passes the check: a kubeconfig with one context, one cluster and one user, and only known fields. */
export interface CheckedKubeconfig {
  yaml: string;
  context: string;
}

// Fields copied into the checked kubeconfig; anything else (extensions, preferences, unknown keys) is dropped.
const CLUSTER_FIELDS: Record<string, KubeconfigAllowance | null> = {
  server: null,
  'certificate-authority-data': null,
  'tls-server-name': null,
  'disable-compression': null,
  'certificate-authority': 'filePaths',
  'insecure-skip-tls-verify': 'insecureTls',
  'proxy-url': 'proxyUrl',
};
const USER_FIELDS: Record<string, KubeconfigAllowance | null> = {
  'client-certificate-data': null,
  'client-key-data': null,
  token: null,
  username: null,
  password: null,
  as: null,
  'as-uid': null,
  'as-groups': null,
  'as-user-extra': null,
  'client-certificate': 'filePaths',
  'client-key': 'filePaths',
  'token-file': 'filePaths',
  tokenFile: 'filePaths',
  exec: 'exec',
  'auth-provider': 'authProvider',
};

function refuse(source: string, message: string): never {
  throw ApplicationFailure.nonRetryable(`kubeconfig from ${source}: ${message}`, FailureType.BadCredentials);
}

function refusal(source: string, field: string, allowance: KubeconfigAllowance): never {
  const a = KUBECONFIG_ALLOWANCES[allowance];
  refuse(
    source,
    `${field} is refused (${a.why}); an operator allows it with the worker setting ${a.env}=true ` +
      `(Helm chart value ${a.chart})`,
  );
}

function entry(list: unknown, name: string, kind: string, source: string): Record<string, unknown> {
  const items = Array.isArray(list) ? (list as Array<Record<string, unknown>>) : [];
  const found = items.find((x) => x && typeof x === 'object' && x.name === name);
  const body = found?.[kind];
  if (!body || typeof body !== 'object') refuse(source, `no ${kind} named "${name}"`);
  return body as Record<string, unknown>;
}

/** Copies the known fields of one cluster or user entry, refusing those that need an allowance not given. */
function copyFields(
  body: Record<string, unknown>,
  fields: Record<string, KubeconfigAllowance | null>,
  where: string,
  source: string,
  allow: KubeconfigAllowances,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (!(key in fields) || value === undefined || value === null || value === false || value === '') continue;
    const needs = fields[key];
    if (needs && !allow[needs]) refusal(source, `${where}.${key}`, needs);
    out[key] = value;
  }
  return out;
}

/** Names the YAML problem by position only: parser messages quote the offending line, which may hold a token. */
function parseYaml(text: string, source: string): Record<string, unknown> {
  // prettyErrors fills linePos; its message (which quotes the line) is never used.
  const doc = parseDocument(text);
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0];
    refuse(source, `not valid YAML${pos ? ` (line ${pos.line}, column ${pos.col})` : ''}: ${err.code}`);
  }
  const root = doc.contents;
  if (!isMap(root)) refuse(source, 'not a kubeconfig (the top level must be a mapping)');
  try {
    // Few aliases: a "billion laughs" kubeconfig must not expand in the worker's memory.
    return doc.toJS({ maxAliasCount: 20 }) as Record<string, unknown>;
  } catch {
    refuse(source, 'not a usable kubeconfig (too many YAML aliases)');
  }
}

/**
 * Checks a kubeconfig before any use (API clients and Helm alike) and returns a minimal copy holding only the
 * context in use, its cluster and its user, with only the fields ksit knows. Entries of other contexts are not
 * looked at (a laptop kubeconfig may hold exec users for other clusters) and are not passed on either.
 */
export function checkKubeconfig(
  text: string,
  context: string | undefined,
  source: string,
  allow: KubeconfigAllowances,
): CheckedKubeconfig {
  const kc = parseYaml(text, source);
  const name = context ?? (typeof kc['current-context'] === 'string' ? kc['current-context'] : '');
  if (!name) refuse(source, 'names no context (set current-context or the target’s context)');
  const ctx = entry(kc.contexts, name, 'context', source);
  const clusterName = String(ctx.cluster ?? '');
  const userName = String(ctx.user ?? '');
  const cluster = copyFields(
    entry(kc.clusters, clusterName, 'cluster', source),
    CLUSTER_FIELDS,
    'cluster',
    source,
    allow,
  );
  const user = userName
    ? copyFields(entry(kc.users, userName, 'user', source), USER_FIELDS, 'user', source, allow)
    : {};
  const server = typeof cluster.server === 'string' ? cluster.server : '';
  if (!/^https?:\/\/[^/]/.test(server)) refuse(source, `cluster.server must be an https:// URL`);
  if (server.startsWith('http://') && !allow.insecureTls) refusal(source, 'cluster.server (plain http)', 'insecureTls');
  const out = {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': name,
    contexts: [{ name, context: { cluster: clusterName, user: userName, namespace: ctx.namespace } }],
    clusters: [{ name: clusterName, cluster }],
    users: [{ name: userName, user }],
  };
  if (out.contexts[0]?.context.namespace === undefined) delete out.contexts[0]?.context.namespace;
  return { yaml: stringify(out), context: name };
}
