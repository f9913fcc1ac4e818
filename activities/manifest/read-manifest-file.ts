import { open } from 'node:fs/promises';
import { refuseInstall, SETTINGS } from '../install-policy.js';

/** Reads a local manifest (already confined to an allowed directory); too big or unreadable is one message. */
export async function readManifestFile(path: string, source: string, maxBytes: number): Promise<string> {
  const unusable = (): never =>
    refuseInstall(
      `spec.autoInstall.manifestConfig.source ${source} is not usable: it must be a readable file of at most ` +
        `${maxBytes / (1024 * 1024)} MiB in a directory the operator allows with ${SETTINGS.sourceDirs}`,
    );
  let file;
  try {
    file = await open(path, 'r');
  } catch {
    return unusable();
  }
  try {
    const info = await file.stat();
    if (!info.isFile() || info.size > maxBytes) return unusable();
    return await file.readFile('utf8');
  } catch {
    return unusable();
  } finally {
    await file.close();
  }
}
