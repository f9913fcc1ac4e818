// shared/entry-point.ts: the Node version check every ksit program makes before loading anything.
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../../deploy/local/environment.js';
import { MINIMUM_NODE, StartupError, unsupportedNode } from '../../../shared/entry-point.js';

describe('unsupportedNode', () => {
  test('accepts the minimum and anything newer', () => {
    for (const version of [MINIMUM_NODE, '22.19.1', '22.20.0', '24.0.0', '24.21.0', '30.1.2']) {
      expect(unsupportedNode('ksit worker', 'npm run worker', version)).toBeUndefined();
    }
  });

  test('refuses older Nodes in one line naming the Node it needs and the command that gets it', () => {
    for (const version of ['20.20.2', '22.18.9', '22.9.0', '18.0.0']) {
      const message = unsupportedNode('ksit worker', 'npm run worker', version);
      expect(message).toContain(`needs Node.js ${MINIMUM_NODE} or newer and this is Node.js ${version}`);
      expect(message).toContain('`npm run worker`');
      expect(message).toContain('deploy/local/tools.sh node');
      expect(message).not.toContain('\n');
    }
  });

  test("the minimum is versions.env's NODE_MINIMUM, which with-node.sh uses", () => {
    const versions = readFileSync(join(repoRoot, 'deploy/local/versions.env'), 'utf8');
    expect(versions).toMatch(new RegExp(`^NODE_MINIMUM=${MINIMUM_NODE.replaceAll('.', '\\.')}$`, 'm'));
  });
});

test('a StartupError carries its exit code (2 for a bad setting)', () => {
  expect(new StartupError('bad', 2).exitCode).toBe(2);
  expect(new StartupError('down').exitCode).toBe(1);
});
