// The worker's entry point (`npm run worker`, `ksit worker`, the image's command): checks the Node version before
// anything is loaded, then runs the worker (worker.ts). `--help` lists its settings.
import { startProgram } from '../shared/entry-point.js';

// Node 24 cuts small Buffers out of shared 64 KiB slabs (8 KiB before), and one live slice keeps its whole slab.
// The SDK holds each cached workflow's last encoded completion, a few hundred bytes: at 300 monitors that pinned 150
// slabs, 9.4 MiB (BENCHMARKS.md, memory). With 8 KiB slabs a pinned slab costs an eighth of that.
Buffer.poolSize = 8 * 1024;

await startProgram(
  'ksit worker',
  'npm run worker',
  () => import('./worker.js'),
  async () => (await import('./config.js')).workerHelp(),
);
