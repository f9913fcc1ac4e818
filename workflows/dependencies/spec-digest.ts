// A short digest of a spec, so "Running" can be tied to the spec it was observed at: a dependency is ready only
// when its cluster status was observed at the spec its Integration holds now (never a stale Running from before a
// change). Pure JS (workflow code has no crypto): two FNV-1a 32-bit hashes with different offsets.
import type { IntegrationSpec } from '../../shared/types.js';

export function specDigest(spec: IntegrationSpec): string {
  const text = JSON.stringify(spec);
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x01000193) >>> 0;
    b = (b ^ (b >>> 13)) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}
