// Relative paths in a spec (a kubeconfig file, a local chart, a manifest file) mean "next to this YAML file", as
// in kustomize; the worker may run from another directory, so they are made absolute while the file is known.
import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import type { ValidDocument } from './documents.js';

const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

export function resolveLocalPath(path: string, baseDir: string): string {
  if (URL_SCHEME.test(path) || isAbsolute(path)) return path;
  if (path === '~' || path.startsWith('~/')) return resolve(homedir(), path.slice(2));
  return resolve(baseDir, path);
}

export function resolveLocalPaths(document: ValidDocument, baseDir: string): ValidDocument {
  if (document.kind === 'IntegrationTarget') {
    const { credentials } = document.spec;
    if (credentials.kind !== 'file') return document;
    const path = resolveLocalPath(credentials.path, baseDir);
    return { kind: document.kind, spec: { ...document.spec, credentials: { ...credentials, path } } };
  }
  const { install } = document.spec;
  if (install?.method === 'manifest') {
    const source = resolveLocalPath(install.source, baseDir);
    return { kind: document.kind, spec: { ...document.spec, install: { ...install, source } } };
  }
  if (install?.method === 'helm' && install.chart.repository === undefined) {
    const chart = { ...install.chart, chart: resolveLocalPath(install.chart.chart, baseDir) };
    return { kind: document.kind, spec: { ...document.spec, install: { ...install, chart } } };
  }
  return document;
}
