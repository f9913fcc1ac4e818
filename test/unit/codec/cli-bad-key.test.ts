// A bad key stops the CLI before it talks to Temporal: one line naming the setting, exit 1, the key never echoed.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from '@jest/globals';
import { PROJECT_ROOT } from '../spec/fixture-paths.js';

it('a key of the wrong size is one clear line and exit code 1', () => {
  const badKey = Buffer.from('only-twenty-bytes-ab').toString('base64');
  const run = spawnSync(process.execPath, [join(PROJECT_ROOT, 'dist/client/cli.js'), 'get', 'integrations'], {
    env: { PATH: process.env.PATH, KSIT_CODEC_KEY: `prod:${badKey}`, TEMPORAL_ADDRESS: '127.0.0.1:1' },
    encoding: 'utf8',
    timeout: 20_000,
  });
  expect(run.status).toBe(1);
  expect(run.stderr).toBe(
    'ksit: KSIT_CODEC_KEY, entry 1 (id "prod"): the key is 20 bytes, AES-256 needs 32 ' +
      '(generate one with: openssl rand -base64 32)\n',
  );
  expect(run.stderr).not.toContain(badKey);
});
