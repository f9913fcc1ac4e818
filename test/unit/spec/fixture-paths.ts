// Tests run compiled from dist/test/unit/spec/; fixtures and samples stay in the source tree.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const PROJECT_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const SAMPLES_DIR = join(PROJECT_ROOT, 'config', 'samples');
export const SEEDS_DIR = join(PROJECT_ROOT, 'test', 'fixtures', 'seeds');
export const INVALID_DIR = join(PROJECT_ROOT, 'test', 'fixtures', 'invalid');
