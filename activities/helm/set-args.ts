import type { SetValue } from '../../shared/types.js';

/**
 * `--set` arguments for flat keys. Helm splits --set on commas, so commas inside values are escaped; the value
 * is otherwise passed as written and Helm infers its type, as the seed's operator did.
 */
export function setArgs(values: SetValue[]): string[] {
  return values.flatMap(({ key, value }) => [
    '--set',
    `${key}=${String(value).replace(/\\/g, '\\\\').replace(/,/g, '\\,')}`,
  ]);
}
