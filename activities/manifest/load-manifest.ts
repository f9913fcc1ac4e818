import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { KubernetesObject } from '@kubernetes/client-node';
import { ApplicationFailure } from '@temporalio/common';
import { parseAllDocuments } from 'yaml';
import { FailureType } from '../errors.js';

/** Reads a multi-document manifest from an http(s) URL or a file; drops empty documents. */
export async function loadManifest(source: string): Promise<KubernetesObject[]> {
  return (await loadManifestSource(source)).objects;
}

/** The manifest's objects and a digest of its content (what the watch compares with what was applied). */
export async function loadManifestSource(source: string): Promise<{ objects: KubernetesObject[]; digest: string }> {
  const text = await readSource(source);
  return { objects: parseManifest(source, text), digest: `sha256:${createHash('sha256').update(text).digest('hex')}` };
}

async function readSource(source: string): Promise<string> {
  let text: string;
  if (/^https?:\/\//.test(source)) {
    let res: Response;
    try {
      res = await fetch(source, { signal: AbortSignal.timeout(60_000) });
    } catch (err) {
      const why = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
      throw ApplicationFailure.retryable(
        `manifest ${source} cannot be fetched (${why})`,
        FailureType.SourceUnavailable,
      );
    }
    if (res.status === 404) {
      throw ApplicationFailure.nonRetryable(`manifest ${source} not found (HTTP 404)`, FailureType.InstallRejected);
    }
    if (!res.ok) {
      throw ApplicationFailure.retryable(`manifest ${source}: HTTP ${res.status}`, FailureType.SourceUnavailable);
    }
    text = await res.text();
  } else {
    try {
      text = await readFile(source, 'utf8');
    } catch (err) {
      throw ApplicationFailure.nonRetryable(
        `manifest ${source} cannot be read: ${(err as NodeJS.ErrnoException).code}`,
        FailureType.InstallRejected,
      );
    }
  }
  return text;
}

function parseManifest(source: string, text: string): KubernetesObject[] {
  const docs = parseAllDocuments(text);
  const objects: KubernetesObject[] = [];
  for (const [i, doc] of docs.entries()) {
    if (doc.errors.length > 0) {
      throw ApplicationFailure.nonRetryable(
        `manifest ${source} document ${i + 1}: ${doc.errors[0]?.message}`,
        FailureType.InstallRejected,
      );
    }
    const obj = doc.toJS() as KubernetesObject | null;
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
