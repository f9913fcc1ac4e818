// Helm values as users write them: the seeds use flat `--set` keys (`server.insecure: "false"`,
// `...accessModes[0]: ReadWriteOnce`), others write nested maps. Flat keys go to `--set` so Helm itself expands
// the path; everything else goes to a values file. Values are kept exactly as written (no type conversion).
import { z } from 'zod';
import type { SetValue } from '../types.js';
import { describeValue } from './fields.js';

export interface SplitValues {
  values: Record<string, unknown>;
  setValues: SetValue[];
}

/** A top-level key with `.` or `[` is a `--set` path, not a plain key. */
export function isSetKey(key: string): boolean {
  return key.includes('.') || key.includes('[');
}

function isScalar(value: unknown): value is SetValue['value'] {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

export const helmValues = z
  .record(z.string(), z.unknown())
  .nullish()
  .transform((raw, ctx): SplitValues => {
    const split: SplitValues = { values: {}, setValues: [] };
    for (const [key, value] of Object.entries(raw ?? {})) {
      if (!isSetKey(key)) {
        split.values[key] = value;
      } else if (isScalar(value)) {
        split.setValues.push({ key, value });
      } else {
        ctx.issues.push({
          code: 'custom',
          path: [key],
          input: value,
          message:
            `a flat key (with '.' or '[') takes one plain value, got ${describeValue(value)}; ` +
            'write the value inline, or nest the whole path as maps without dots',
        });
      }
    }
    return split;
  });
