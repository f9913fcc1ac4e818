import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { searchAttributeTypes } from '../../../workers/search-attribute-registration.js';

/**
 * The workflows upsert ksit's search attributes; a server must know them first. The time-skipping server starts
 * empty each time, so all of them are added without listing what it has.
 */
export async function registerSearchAttributes(env: TestWorkflowEnvironment): Promise<void> {
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: searchAttributeTypes(),
  });
}
