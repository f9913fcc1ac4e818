// The workflow bundle's entry: every workflow type the worker registers.
export { integrationWorkflow } from './integration-workflow.js';
export { clusterLifecycleWorkflow } from './cluster-lifecycle.js';
export { targetWorkflow } from './target-workflow.js';
export { preflightWorkflow } from './preflight-workflow.js';
