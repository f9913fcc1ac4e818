// How every ksit program starts (worker, CLI, codec server, setup job, bundler): first the Node version, before
// anything that could crash on an older Node is loaded, then the program itself, by a dynamic import (static
// imports are loaded before any code runs, so a check beside them would come too late). A StartupError from the
// program (a bad setting, an unreachable server) is one line and an exit code, not a stack trace.
//
// This file is loaded on whatever Node the user has: no imports, and no syntax newer than Node 14.

/** The oldest Node ksit runs on; deploy/local/versions.env's NODE_MINIMUM says the same (a unit test checks). */
export const MINIMUM_NODE = '22.19.0';

/** Something the user can fix and ksit can say in one line; `exitCode` 2 for a bad setting. */
export class StartupError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'StartupError';
    this.exitCode = exitCode;
  }
}

function atLeast(version: string, minimum: string): boolean {
  const have = version.split('.').map(Number);
  const want = minimum.split('.').map(Number);
  for (let i = 0; i < want.length; i++) {
    if ((have[i] ?? 0) !== want[i]) return (have[i] ?? 0) > (want[i] ?? 0);
  }
  return true;
}

/** The one line to print when `version` is too old for ksit, or undefined when it will do. */
export function unsupportedNode(program: string, npmCommand: string, version = process.versions.node) {
  if (atLeast(version, MINIMUM_NODE)) return undefined;
  return (
    `${program} needs Node.js ${MINIMUM_NODE} or newer and this is Node.js ${version}: run \`${npmCommand}\` ` +
    `(it fetches a supported Node), or put one first on PATH: export PATH="$(deploy/local/tools.sh node):$PATH"`
  );
}

/**
 * Runs `start` (a dynamic import of the program) on a supported Node; on an older one prints the one line and
 * exits 1 without loading it. `program` names it in messages, `npmCommand` is how the docs start it. With `help`,
 * `-h`/`--help` prints what it returns instead of starting the program.
 */
export async function startProgram(
  program: string,
  npmCommand: string,
  start: () => Promise<unknown>,
  help?: () => Promise<string>,
) {
  const problem = unsupportedNode(program, npmCommand);
  if (problem !== undefined) {
    process.stderr.write(`${problem}\n`);
    process.exit(1);
  }
  const args = process.argv.slice(2);
  if (help && (args.includes('--help') || args.includes('-h'))) {
    process.stdout.write(await help());
    return;
  }
  try {
    await start();
  } catch (error) {
    if (!saysWhatToFix(error)) throw error;
    process.stderr.write(`${program}: ${error.message}\n`);
    // Whatever the program had started (an HTTP server, a connection) must not keep the process up.
    process.exit(error.exitCode);
  }
}

/** A StartupError, or another error made for the user that carries its exit code (the CLI's KsitError). */
function saysWhatToFix(error: unknown): error is Error & { exitCode: number } {
  return (
    error instanceof StartupError || (error instanceof Error && typeof Reflect.get(error, 'exitCode') === 'number')
  );
}

/** The first line of an error's message: what a StartupError quotes of the error that caused it. */
export function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
