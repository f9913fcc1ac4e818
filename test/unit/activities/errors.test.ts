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

// Every classification carries a type: the workflow maps types to phases and never guesses from a missing one.
test.each([
  ['HTTP 503', Object.assign(new Error('x'), { code: 503 }), FailureType.Unreachable, false],
  ['HTTP 429', Object.assign(new Error('x'), { code: 429 }), FailureType.Unreachable, false],
  ['HTTP 403', Object.assign(new Error('x'), { code: 403, body: '{"message":"no"}' }), FailureType.Forbidden, true],
  ['HTTP 401', Object.assign(new Error('x'), { code: 401 }), FailureType.Forbidden, true],
  ['HTTP 400', Object.assign(new Error('x'), { code: 400, body: '{"message":"bad"}' }), FailureType.ApiRejected, false],
  ['HTTP 409', Object.assign(new Error('x'), { code: 409 }), FailureType.ApiRejected, false],
  [
    'TLS',
    new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'CERT_HAS_EXPIRED' }) }),
    FailureType.BadCredentials,
    true,
  ],
  ['a bare error', new Error('something odd'), FailureType.ClientError, false],
])('%s -> %s', (_, err, type, nonRetryable) => {
  const failure = classifyKubeError(err, 'c', 'listing');
  expect(failure.type).toBe(type);
  expect(failure.nonRetryable).toBe(nonRetryable);
});

test('an HTTP 400 names the status and the API message', () => {
  const err = Object.assign(new Error('x'), { code: 400, body: '{"message":"field is immutable"}' });
  expect(classifyKubeError(err, 'c', 'applying Deployment/x').message).toBe(
    'cluster c refused applying Deployment/x: HTTP 400 field is immutable',
  );
});
