// Prebuilds the workflow bundle for the worker image: `npm run bundle -- [out-file]` (entry: bundle-workflows.ts)
// (default dist/workflow-bundle.js). The worker loads it when KSIT_WORKFLOW_BUNDLE names the file.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { failureConverterPath } from '../shared/codec/data-converter.js';
import { bundleOptions } from './workflow-source.js';

const out = resolve(process.argv[2] ?? fileURLToPath(new URL('../workflow-bundle.js', import.meta.url)));
const started = Date.now();
// The image does not know at build time whether the codec will be on, and a bundle cannot take a converter later,
// so failures raised in workflow code are always encoded here. With the codec off that only moves their message
// into a plain JSON payload, which every Temporal client and the Web UI read as before.
const { code } = await bundleWorkflowCode({ ...bundleOptions(), failureConverterPath });
await mkdir(dirname(out), { recursive: true });
await writeFile(out, code);
console.log(`workflow bundle: ${out} (${Math.round(code.length / 1024)} KiB, ${Date.now() - started} ms)`);
