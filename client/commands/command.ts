// What every CLI verb provides; cli.ts keeps the table of them. One file per verb in this directory.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../errors.js';

export interface Command {
  /** One line for `ksit --help`. */
  summary: string;
  usage: string;
  /** Returns the exit code; throws KsitError for anything the user must fix. */
  run(args: string[]): Promise<number>;
}

/** node:util parseArgs, with its errors (unknown option, missing value) turned into usage errors. */
export function parseCommandArgs<T extends ParseArgsConfig['options']>(args: string[], options: T, usage: string) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error), usage);
  }
}
