import { expect, test } from '@jest/globals';
import { redactText } from '../../../workers/redact-text.js';

test.each([
  ['--set adminPassword=hunter2 failed', '--set adminPassword=[redacted] failed'],
  ['values: {"db.password": "s3cr3t"}', 'values: {"db.password": [redacted]}'],
  ['Authorization: Bearer abc.def.ghi', 'Authorization: Bearer [redacted]'],
  ['token: eyJhbGciOi', 'token: [redacted]'],
  ['cert -----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY----- end', 'cert [redacted] end'],
  [`data ${'A'.repeat(64)}== here`, 'data [redacted] here'],
])('%s', (input, output) => {
  expect(redactText(input)).toBe(output);
});

test('leaves ordinary Helm errors readable', () => {
  const text = 'helm upgrade --install on cluster-1 failed: timed out waiting for the condition | chart argo-cd 5.51.6';
  expect(redactText(text)).toBe(text);
});
