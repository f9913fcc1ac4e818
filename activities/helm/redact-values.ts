import type { HelmInstall } from '../../shared/types.js';

// Short strings ("true", "prod", "v1") are too common to be secrets and would make messages unreadable if hidden.
const MIN_SECRET_LENGTH = 5;
const REDACTED = '[redacted]';
// Things that look like credentials whatever the values were: key=value and key: value forms, bearer tokens.
const CREDENTIAL_PATTERNS = [
  /((?:password|passwd|token|secret|api[-_]?key|credentials?)["']?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,;|]+)/gi,
  /(bearer\s+)([A-Za-z0-9._~+/=-]+)/gi,
];

/** Every string a spec's Helm values hold (nested or flat), longest first so that a longer one is hidden whole. */
export function valueStrings(install: Pick<HelmInstall, 'values' | 'setValues'> | undefined): string[] {
  if (!install) return [];
  const out = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === 'string' && v.length >= MIN_SECRET_LENGTH) out.add(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(install.values);
  for (const s of install.setValues) walk(s.value);
  return [...out].sort((a, b) => b.length - a.length);
}

/**
 * Text from Helm (stderr, a chart's `fail` message, a YAML parse error quoting a line) with the spec's value strings
 * and credential-looking pairs hidden, before it becomes a failure message (history, CLI output, logs).
 */
export function redactHelmText(text: string, install?: Pick<HelmInstall, 'values' | 'setValues'>): string {
  let out = text;
  for (const secret of valueStrings(install)) {
    out = out.split(secret).join(REDACTED);
    // Helm and YAML may quote a value JSON-style.
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (escaped !== secret) out = out.split(escaped).join(REDACTED);
  }
  for (const pattern of CREDENTIAL_PATTERNS) out = out.replace(pattern, `$1${REDACTED}`);
  return out;
}
