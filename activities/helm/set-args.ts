import type { SetValue } from '../../shared/types.js';

/**
 * `--set-json` arguments for flat keys: each value goes to Helm as the JSON of what the YAML said, so a quoted
 * "false" stays the string "false" and only an unquoted false is a boolean (Helm's --set would guess a type, and
 * split a value on commas into extra keys). Keys are validated (shared/spec/install-safety.ts) to be plain paths.
 */
export function setArgs(values: SetValue[]): string[] {
  return values.flatMap(({ key, value }) => ['--set-json', `${key}=${JSON.stringify(value)}`]);
}
