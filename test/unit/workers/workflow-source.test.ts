import { existsSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { loadWorkerConfig } from '../../../workers/config.js';
import { WORKFLOWS_PATH, workflowSource } from '../../../workers/workflow-source.js';

describe('workflow source', () => {
  it('without KSIT_WORKFLOW_BUNDLE the worker bundles the compiled workflows at start', () => {
    expect(workflowSource(loadWorkerConfig({}).KSIT_WORKFLOW_BUNDLE)).toEqual({ workflowsPath: WORKFLOWS_PATH });
    expect(existsSync(WORKFLOWS_PATH)).toBe(true);
  });

  it('with KSIT_WORKFLOW_BUNDLE naming a file the worker loads that bundle', () => {
    const env = { KSIT_WORKFLOW_BUNDLE: WORKFLOWS_PATH };
    expect(workflowSource(loadWorkerConfig(env).KSIT_WORKFLOW_BUNDLE)).toEqual({
      workflowBundle: { codePath: WORKFLOWS_PATH },
    });
  });

  it('a bundle path that does not exist fails at start, naming it', () => {
    expect(() => workflowSource('/nowhere/workflow-bundle.js')).toThrow(
      'KSIT_WORKFLOW_BUNDLE names /nowhere/workflow-bundle.js, which does not exist',
    );
  });
});
