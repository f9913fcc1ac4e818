import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BundleOptions } from '@temporalio/worker';

/** The workflow bundle's entry: every workflow type the worker registers. */
export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.js', import.meta.url));

/**
 * What the bundle is built from, shared by the worker (bundling at start) and workers/bundle-workflows.ts
 * (bundling ahead of time), so that a prebuilt bundle is the bundle the worker would have made. Any Worker option
 * that shapes the bundle (workflowInterceptorModules, payloadConverterPath, bundlerOptions) belongs here.
 */
export const bundleOptions = (): Pick<BundleOptions, 'workflowsPath'> => ({ workflowsPath: WORKFLOWS_PATH });

export type WorkflowSource = { workflowsPath: string } | { workflowBundle: { codePath: string } };

/**
 * Worker options naming the workflow code: the prebuilt bundle when `bundlePath` is set (the image sets
 * KSIT_WORKFLOW_BUNDLE: starts in a second instead of bundling with webpack on every start, in every replica),
 * else the sources, bundled at start. A bundle path that does not exist is a deployment mistake: fail loudly.
 */
export function workflowSource(bundlePath?: string): WorkflowSource {
  if (!bundlePath) return bundleOptions();
  if (!existsSync(bundlePath)) {
    throw new Error(`KSIT_WORKFLOW_BUNDLE names ${bundlePath}, which does not exist (build it: npm run bundle)`);
  }
  return { workflowBundle: { codePath: bundlePath } };
}
