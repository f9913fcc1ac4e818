// Pure helpers for Kubernetes server versions; used by preflight and its tests.

export interface KubeVersion {
  major: number;
  minor: number;
}

/** "v1.36.3", "1.29", "v1.29.5-gke.100" -> {1, 29}; undefined when it is not a version. */
export function parseKubeVersion(text: string): KubeVersion | undefined {
  const m = /^v?(\d+)\.(\d+)/.exec(text.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
}

/** Checks a version against a space-separated list of comparisons over major.minor, e.g. ">=1.23 <1.37". */
export function satisfiesRange(version: KubeVersion, range: string): boolean {
  return range
    .split(/\s+/)
    .filter(Boolean)
    .every((part) => {
      const m = /^(>=|<=|>|<|=)?v?(\d+)\.(\d+)$/.exec(part);
      if (!m) return false;
      const cmp = version.major - Number(m[2]) || version.minor - Number(m[3]);
      switch (m[1]) {
        case '>=':
          return cmp >= 0;
        case '<=':
          return cmp <= 0;
        case '>':
          return cmp > 0;
        case '<':
          return cmp < 0;
        default:
          return cmp === 0;
      }
    });
}
