// Building blocks for the document schemas: strict objects that catch typos, Kubernetes names and labels,
// durations. Messages say what is expected, because they are all the user sees.
import { z } from 'zod';
import { DURATION_HINT, formatDuration, parseDuration } from './duration.js';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** How a YAML value reads to a human: `a number (5.51)`, `a list`, ... */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string')
    return `a string (${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '...' : value)})`;
  if (typeof value === 'number') return `a number (${value})`;
  if (typeof value === 'boolean') return `a boolean (${value})`;
  return typeof value;
}

const EXPECTED: Record<string, string> = {
  object: 'a map',
  record: 'a map',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
};

/** Default messages for the whole document parse; schemas override them where they can say more. */
export const specErrorMap: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return 'required';
    const expected = EXPECTED[issue.expected] ?? issue.expected;
    const quoteHint = issue.expected === 'string' && typeof issue.input !== 'object' ? '; quote it' : '';
    return `expected ${expected}, got ${describeValue(issue.input)}${quoteHint}`;
  }
  if (issue.code === 'invalid_key') return `bad key: ${issue.issues.map((inner) => inner.message).join('; ')}`;
  if (issue.code === 'invalid_value') return `expected one of: ${issue.values.map(String).join(', ')}`;
  if (issue.code === 'too_small' && issue.origin === 'array') return `needs at least ${issue.minimum} item(s)`;
  if (issue.code === 'too_small') return `must be at least ${issue.minimum}`;
  return undefined;
};

/** Levenshtein distance, for "did you mean" hints on misspelt field names. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}

export function unknownFieldMessage(key: string, allowed: readonly string[]): string {
  const close =
    allowed.find((name) => name.toLowerCase() === key.toLowerCase()) ??
    allowed.find((name) => editDistance(name.toLowerCase(), key.toLowerCase()) <= 2);
  const hint = close ? `did you mean "${close}"? ` : '';
  return `unknown field; ${hint}allowed here: ${allowed.join(', ')}`;
}

/**
 * An object that reports each unknown key as its own problem, with a "did you mean" hint. zod's strictObject
 * reports all unknown keys in one issue without the allowed names, which is too little to fix a typo from.
 */
export function strictObject<S extends z.core.$ZodLooseShape>(shape: S) {
  const allowed = Object.keys(shape);
  return z.looseObject(shape).superRefine(
    (value, ctx) => {
      for (const key of Object.keys(value)) {
        if (!allowed.includes(key)) {
          ctx.addIssue({ code: 'custom', path: [key], message: unknownFieldMessage(key, allowed), input: value[key] });
        }
      }
    },
    // Run even when a known field is wrong too, so one pass reports every typo.
    { when: (payload) => isRecord(payload.value) },
  );
}

// DNS-1123 subdomain: what Kubernetes accepts as an object name.
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// DNS-1123 label: namespaces.
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function dnsName(what: string, maxLength = 253) {
  return z
    .string()
    .min(1, 'must not be empty')
    .max(maxLength, `${what} must be at most ${maxLength} characters`)
    .regex(
      DNS_SUBDOMAIN,
      `${what} must be lowercase letters, digits, '-' and '.', starting and ending with a letter or digit`,
    );
}

export const namespaceName = z
  .string()
  .min(1, 'must not be empty')
  .max(63, 'a namespace must be at most 63 characters')
  .regex(
    DNS_LABEL,
    "a namespace must be lowercase letters, digits and '-', starting and ending with a letter or digit",
  );

const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export const labelValue = z
  .string()
  .max(63, 'a label value must be at most 63 characters')
  .regex(
    LABEL_VALUE,
    "a label value must be letters, digits, '-', '_' and '.', starting and ending with a letter or digit",
  );

export const labelKey = z
  .string()
  .max(316, 'label key too long')
  .regex(LABEL_KEY, 'a label key must look like "env" or "example.com/env"');

export const labelMap = z.record(labelKey, labelValue);

/** JSON Schema key for a duration's minimum (ms): the CRD generator turns it into a pattern and a CEL rule. */
export const DURATION_META_KEY = 'x-ksit-duration-min-ms';

/** A duration string, parsed to milliseconds; `min` rejects zero (or tiny values) where they make no sense. */
export function duration(minMs: number) {
  return z
    .string({
      error: (issue) =>
        issue.input === undefined
          ? 'required'
          : `expected a duration, ${DURATION_HINT}; got ${describeValue(issue.input)}`,
    })
    .meta({ [DURATION_META_KEY]: minMs })
    .transform((text, ctx) => {
      const ms = parseDuration(text);
      if (ms === undefined) {
        ctx.issues.push({
          code: 'custom',
          input: text,
          message: `"${text}" is not a duration: write ${DURATION_HINT}`,
        });
        return z.NEVER;
      }
      if (ms < minMs) {
        ctx.issues.push({ code: 'custom', input: text, message: `must be at least ${formatDuration(minMs)}` });
        return z.NEVER;
      }
      return ms;
    });
}
