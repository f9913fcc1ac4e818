import { describe, expect, it } from '@jest/globals';
import { counterGrowth, sdkCounters, warningsByMessage } from '../../../bench/lib/worker-diagnostics.js';

describe('sdkCounters', () => {
  it('sums each SDK counter over its label sets and ignores other metrics', () => {
    const text = [
      '# HELP temporal_sticky_cache_miss misses',
      'temporal_sticky_cache_miss{namespace="default",task_queue="q"} 7',
      'temporal_sticky_cache_miss{namespace="default",task_queue="r"} 3',
      'temporal_workflow_task_replay_latency_count{task_queue="q"} 12',
      'temporal_workflow_task_replay_latency_bucket{le="0.1"} 4',
      'nodejs_heap_size_used_bytes 1234',
    ].join('\n');
    expect(sdkCounters(text)).toEqual({
      temporal_sticky_cache_miss: 10,
      temporal_workflow_task_replay_latency_count: 12,
    });
  });

  it('gives the growth between two readings', () => {
    expect(counterGrowth({ a: 2 }, { a: 5, b: 1 })).toEqual({ a: 3, b: 1 });
  });
});

describe('warningsByMessage', () => {
  it('counts warnings and errors by the shape of their message, most frequent first', () => {
    const log = [
      JSON.stringify({ level: 40, msg: 'Workflow task duration exceeded 5.2 seconds' }),
      JSON.stringify({ level: 40, msg: 'Workflow task duration exceeded 6.9 seconds' }),
      JSON.stringify({ level: 50, msg: 'Task not found' }),
      JSON.stringify({ level: 30, msg: 'health check' }),
      '{"level":40,"msg":"cut off',
    ].join('\n');
    expect(warningsByMessage(log)).toEqual([
      { message: 'Workflow task duration exceeded N seconds', count: 2 },
      { message: 'Task not found', count: 1 },
    ]);
  });
});
