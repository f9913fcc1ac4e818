// Error texts go into logs: Helm's stderr and API messages can quote what they were given. This masks what looks
// like a credential (key=value or key: value pairs with a secret-ish key, bearer tokens, PEM blocks, long base64)
// so that an install failure can be logged with its reason but without the secret in it.
const SECRET_KEY = String.raw`[\w.-]*(?:password|passwd|secret|token|apikey|api[_-]?key|credential|private[_-]?key)[\w.-]*`;
const PATTERNS: [RegExp, string][] = [
  [/-----BEGIN [A-Z ]+-----[\s\S]*?(?:-----END [A-Z ]+-----|$)/g, '[redacted]'],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [redacted]'],
  [new RegExp(String.raw`(${SECRET_KEY}["']?\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s,;|]+)`, 'gi'), '$1[redacted]'],
  [/[A-Za-z0-9+/]{40,}={0,2}/g, '[redacted]'],
];

export function redactText(text: string): string {
  return PATTERNS.reduce((t, [pattern, replacement]) => t.replace(pattern, replacement), text);
}
