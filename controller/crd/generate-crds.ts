// `npm run generate:crds`: writes the CRDs and the admission policy generated from the zod schemas. With --check,
// writes nothing and exits 1 naming every file that differs (the unit test does the same comparison).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderCrdFiles } from './render-crds.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const check = process.argv.includes('--check');
const stale: string[] = [];
for (const [path, text] of Object.entries(renderCrdFiles())) {
  const file = join(root, path);
  const current = await readFile(file, 'utf8').catch(() => undefined);
  if (current === text) continue;
  if (check) {
    stale.push(path);
    continue;
  }
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
  process.stdout.write(`wrote ${path}\n`);
}
if (stale.length > 0) {
  process.stderr.write(`out of date (run npm run generate:crds): ${stale.join(', ')}\n`);
  process.exit(1);
}
