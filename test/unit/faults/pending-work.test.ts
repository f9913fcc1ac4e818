import { describe, expect, it } from '@jest/globals';
import proto from '@temporalio/proto';
import { workflowTaskTrouble } from '../../faults/helpers/pending-work.js';

const { EventType, WorkflowTaskFailedCause } = proto.temporal.api.enums.v1;
const completed = { eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED };
const timedOut = { eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT };
const failed = (message: string) => ({
  eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
  workflowTaskFailedEventAttributes: {
    cause: WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR,
    failure: { message },
  },
});

describe('workflowTaskTrouble', () => {
  it('is empty when the last workflow task completed', () => {
    expect(workflowTaskTrouble([timedOut, failed('old'), completed])).toBe('');
  });

  it('counts the timeouts since the last completed task', () => {
    expect(workflowTaskTrouble([timedOut, completed, timedOut, timedOut])).toBe('2 workflow task timeouts');
  });

  it('names the cause and message of the last failure', () => {
    expect(workflowTaskTrouble([completed, timedOut, failed('nondeterminism at event 12')])).toBe(
      '1 workflow task timeouts; failed (WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR): nondeterminism at event 12',
    );
  });
});
