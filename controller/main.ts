// The front door's entry point (`npm run controller`, `ksit controller`, the chart's controller Deployment): checks
// the Node version before anything is loaded, then runs the controller (controller.ts). `--help` lists its settings.
import { startProgram } from '../shared/entry-point.js';

await startProgram(
  'ksit controller',
  'npm run controller',
  () => import('./controller.js'),
  async () => (await import('./config.js')).controllerHelp(),
);
