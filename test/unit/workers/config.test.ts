// The worker's environment: the HTTP port and the shutdown grace period, their defaults and their messages.
import { describe, expect, it } from '@jest/globals';
import { loadWorkerConfig } from '../../../workers/config.js';

describe('worker config', () => {
  it('defaults the HTTP endpoint to 0.0.0.0:9464 and the shutdown grace to 30 s', () => {
    const c = loadWorkerConfig({});
    expect(c.KSIT_HTTP_PORT).toBe(9464);
    expect(c.KSIT_HTTP_HOST).toBe('0.0.0.0');
    expect(c.KSIT_SHUTDOWN_GRACE_SECONDS).toBe(30);
  });

  it('takes 0 as "pick a free port"', () => {
    expect(loadWorkerConfig({ KSIT_HTTP_PORT: '0' }).KSIT_HTTP_PORT).toBe(0);
  });

  it.each([
    ['http', 'KSIT_HTTP_PORT: must be a port number'],
    ['70000', 'KSIT_HTTP_PORT: must be 0..65535'],
    ['-1', 'KSIT_HTTP_PORT: must be 0..65535'],
    ['80.5', 'KSIT_HTTP_PORT: must be a whole port number'],
  ])('rejects KSIT_HTTP_PORT=%s naming the variable', (value, message) => {
    expect(() => loadWorkerConfig({ KSIT_HTTP_PORT: value })).toThrow(message);
  });

  it('rejects a negative or non-numeric grace period', () => {
    expect(() => loadWorkerConfig({ KSIT_SHUTDOWN_GRACE_SECONDS: '-5' })).toThrow(
      'KSIT_SHUTDOWN_GRACE_SECONDS: must be 0 or more',
    );
    expect(() => loadWorkerConfig({ KSIT_SHUTDOWN_GRACE_SECONDS: 'soon' })).toThrow(
      'KSIT_SHUTDOWN_GRACE_SECONDS: must be a number of seconds',
    );
    expect(loadWorkerConfig({ KSIT_SHUTDOWN_GRACE_SECONDS: '2.5' }).KSIT_SHUTDOWN_GRACE_SECONDS).toBe(2.5);
  });

  it('takes workflow task slots of 2 or more, 40 by default', () => {
    expect(loadWorkerConfig({}).KSIT_WORKFLOW_TASK_SLOTS).toBe(40);
    expect(loadWorkerConfig({ KSIT_WORKFLOW_TASK_SLOTS: '8' }).KSIT_WORKFLOW_TASK_SLOTS).toBe(8);
    expect(() => loadWorkerConfig({ KSIT_WORKFLOW_TASK_SLOTS: '1' })).toThrow(
      'KSIT_WORKFLOW_TASK_SLOTS: must be 2 or more',
    );
  });
});
