// How cluster call errors become messages: the address that refused, and the cause undici hides in `cause`.
import { expect, test } from '@jest/globals';
import { classifyKubeError } from '../../../activities/errors.js';
import { FailureType } from '../../../shared/failure-types.js';

test('a refused connection is Unreachable and names the address', () => {
  const err = Object.assign(new TypeError('fetch failed'), {
    cause: { code: 'ECONNREFUSED', address: '10.0.0.7', port: 6443 },
  });
  const failure = classifyKubeError(err, 'prod-1', 'reading the server version');
  expect(failure.type).toBe(FailureType.Unreachable);
  expect(failure.message).toBe(
    'cluster prod-1 unreachable while reading the server version (ECONNREFUSED 10.0.0.7:6443)',
  );
});

test('any other failure keeps the cause chain in the message', () => {
  const err = new TypeError('fetch failed', { cause: new Error('bad port') });
  const failure = classifyKubeError(err, 'prod-1', 'reading the server version');
  expect(failure.message).toBe('cluster prod-1: reading the server version failed: fetch failed: bad port');
});
