// The worker's memory settings as the image sets them (Dockerfile, runtime stage ENV), so that benchmarks measure
// the worker people run. A unit test (test/unit/deploy/dockerfile.test.ts) keeps the two in step.

/** V8 heap limit and young-generation size (see the Dockerfile's comment for why). */
export const IMAGE_NODE_OPTIONS = '--max-old-space-size=1024 --max-semi-space-size=4';

/** The malloc the image preloads: jemalloc, from Debian's package libjemalloc2. */
export const JEMALLOC_LIBRARY = 'libjemalloc.so.2';
