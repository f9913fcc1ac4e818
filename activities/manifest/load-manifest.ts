import { createHash } from 'node:crypto';
import type { KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { refuseInstall, SETTINGS, STRICT_INSTALLS, type InstallPolicy } from '../install-policy.js';
import { confinedPath } from '../kube/credential-policy.js';
import { fetchManifest } from './fetch-manifest.js';
import { readManifestFile } from './read-manifest-file.js';

/** Bigger than any tool's install manifest (Flux's is ~1 MB); more is someone filling the worker's memory. */
export const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

/** Reads a multi-document manifest (see loadManifestSource); drops empty documents. */
export async function loadManifest(
  source: string,
  policy: InstallPolicy = STRICT_INSTALLS,
): Promise<KubernetesObject[]> {
  return (await loadManifestSource(source, policy)).objects;
}

/**
 * The manifest's objects and a digest of its content (what the watch compares with what was applied), from an
 * https URL or a file in an operator-listed directory (install-policy.ts).
 */
export async function loadManifestSource(
  source: string,
  policy: InstallPolicy = STRICT_INSTALLS,
): Promise<{ objects: KubernetesObject[]; digest: string }> {
  const text = await readSource(source, policy);
  return { objects: parseManifest(source, text), digest: `sha256:${createHash('sha256').update(text).digest('hex')}` };
}

async function readSource(source: string, policy: InstallPolicy): Promise<string> {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) return fetchManifest(source, policy, MAX_MANIFEST_BYTES);
  const path = await confinedPath(source, policy.sourceDirs);
  if (!path) {
    refuseInstall(
      `spec.autoInstall.manifestConfig.source ${source} is not usable: it must be an https:// URL or a readable ` +
        `file in a directory the operator allows with ${SETTINGS.sourceDirs}`,
    );
  }
  return readManifestFile(path, source, MAX_MANIFEST_BYTES);
}

/** Parse errors name the document and position, never quote the text (it may hold a Secret's data). */
function parseManifest(source: string, text: string): KubernetesObject[] {
  const docs = parseAllDocuments(text);
  const objects: KubernetesObject[] = [];
  for (const [i, doc] of docs.entries()) {
    const err = doc.errors[0];
    if (err) {
      const pos = err.linePos?.[0];
      refuseInstall(
        `manifest ${source} document ${i + 1}: not valid YAML${pos ? ` (line ${pos.line}, column ${pos.col})` : ''}: ${err.code}`,
      );
    }
    let obj: KubernetesObject | null;
    try {
      obj = doc.toJS({ maxAliasCount: 100 }) as KubernetesObject | null;
    } catch {
      refuseInstall(`manifest ${source} document ${i + 1}: too many YAML aliases`);
    }
    if (obj && typeof obj === 'object' && obj.kind) objects.push(obj);
  }
  return objects;
}

/** CRDs first, then Namespaces, then everything else: the order the seed's Flux installer got wrong. */
export function applyOrder(objects: KubernetesObject[]): { crds: KubernetesObject[]; rest: KubernetesObject[] } {
  const crds = objects.filter((o) => o.kind === 'CustomResourceDefinition');
  const others = objects.filter((o) => o.kind !== 'CustomResourceDefinition');
  const rest = [...others.filter((o) => o.kind === 'Namespace'), ...others.filter((o) => o.kind !== 'Namespace')];
  return { crds, rest };
}
