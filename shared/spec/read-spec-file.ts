// Reads a spec file defensively: a size limit checked before reading (a 50 MB file is refused at once, and a
// FIFO or /dev/zero cannot make us read forever), and text that must be UTF-8 without NUL bytes.
import { open, readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';

export const MAX_SPEC_FILE_BYTES = 10 * 1024 * 1024;
const LIMIT_TEXT = `${MAX_SPEC_FILE_BYTES / (1024 * 1024)} MB`;

export type ReadResult = { ok: true; text: string } | { ok: false; message: string };

function errorText(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return error instanceof Error ? error.message : String(error);
}

export async function readSpecFile(path: string): Promise<ReadResult> {
  try {
    const info = await stat(path);
    if (info.isFile() && info.size > MAX_SPEC_FILE_BYTES) {
      return {
        ok: false,
        message: `file is ${(info.size / (1024 * 1024)).toFixed(1)} MB; spec files are limited to ${LIMIT_TEXT}`,
      };
    }
    const bytes = await readAtMost(path, MAX_SPEC_FILE_BYTES + 1);
    if (bytes.length > MAX_SPEC_FILE_BYTES)
      return { ok: false, message: `file is larger than the ${LIMIT_TEXT} limit for spec files` };
    return decodeText(bytes);
  } catch (error) {
    return { ok: false, message: `cannot read: ${errorText(error)}` };
  }
}

async function readAtMost(path: string, limit: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(Math.min(limit, 64 * 1024));
    const chunks: Buffer[] = [];
    let total = 0;
    while (total < limit) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, limit - total), null);
      if (bytesRead === 0) break;
      chunks.push(Buffer.from(buffer.subarray(0, bytesRead)));
      total += bytesRead;
    }
    return Buffer.concat(chunks);
  } finally {
    await handle.close();
  }
}

function decodeText(bytes: Buffer): ReadResult {
  if (bytes.includes(0)) return { ok: false, message: 'not a YAML file: it contains binary data (NUL bytes)' };
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return { ok: true, text: text.startsWith('\uFEFF') ? text.slice(1) : text };
  } catch {
    return { ok: false, message: 'not a YAML file: it is not valid UTF-8 text' };
  }
}

/** `-f DIR` means every .yaml/.yml file directly in it, in name order, as `kubectl apply -f DIR` does. */
export async function expandSpecPaths(
  paths: string[],
): Promise<{ files: string[]; unusable: { path: string; message: string }[] }> {
  const files: string[] = [];
  const unusable: { path: string; message: string }[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (!info?.isDirectory()) {
      files.push(path); // readSpecFile reports a missing file
      continue;
    }
    try {
      const names = (await readdir(path)).filter((name) => ['.yaml', '.yml'].includes(extname(name))).sort();
      if (names.length === 0) unusable.push({ path, message: 'directory has no .yaml or .yml files' });
      files.push(...names.map((name) => join(path, name)));
    } catch (error) {
      unusable.push({ path, message: `cannot read directory: ${errorText(error)}` });
    }
  }
  return { files, unusable };
}
