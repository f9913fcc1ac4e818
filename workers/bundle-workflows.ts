// Entry point of `npm run bundle` (and the image build): checks the Node version before anything is loaded, then
// prebuilds the workflow bundle (bundle-workflows-process.ts).
import { startProgram } from '../shared/entry-point.js';

await startProgram(
  'ksit bundle',
  'npm run bundle',
  () => import('./bundle-workflows-process.js'),
  async () =>
    'usage: npm run bundle -- [OUT-FILE]   (default dist/workflow-bundle.js)\n\n' +
    'Prebuilds the workflow bundle; a worker loads it when KSIT_WORKFLOW_BUNDLE names the file.\n',
);
