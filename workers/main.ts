// The worker's entry point (`npm run worker`, `ksit worker`, the image's command): checks the Node version before
// anything is loaded, then runs the worker (worker.ts). `--help` lists its settings.
import { startProgram } from '../shared/entry-point.js';

await startProgram(
  'ksit worker',
  'npm run worker',
  () => import('./worker.js'),
  async () => (await import('./config.js')).workerHelp(),
);
