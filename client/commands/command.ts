// What every CLI verb provides; cli.ts keeps the table of them. One file per verb in this directory.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EXIT, UsageError } from '../errors.js';

export interface Command {
  /** One line for `ksit --help`. */
  summary: string;
  usage: string;
  /** Returns the exit code; throws KsitError for anything the user must fix. */
  run(args: string[]): Promise<number>;
}

/** `-h` / `--help` anywhere after the verb: every verb answers it the same way, before it checks anything else. */
export function wantsHelp(args: string[]): boolean {
  return args.includes('--help') || args.includes('-h');
}

/** Prints the verb's usage on stdout (it was asked for) and returns the exit code for that. */
export function printUsage(usage: string): number {
  process.stdout.write(`usage: ${usage}\n`);
  return EXIT.ok;
}

/**
 * node:util parseArgs, with its errors (unknown option, missing value) turned into usage errors. `--help` is
 * always accepted (see wantsHelp).
 */
export function parseCommandArgs<T extends ParseArgsConfig['options']>(args: string[], options: T, usage: string) {
  try {
    return parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } } as T,
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error), usage);
  }
}
