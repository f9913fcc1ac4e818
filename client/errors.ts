// One error type and one printer for the whole CLI: every command throws KsitError (or lets something unexpected
// escape), and cli.ts hands it to handleError, which prints what the user can act on and returns the exit code.
import { PayloadDecryptionError } from '../shared/codec/encryption-codec.js';
import { formatProblem, type SpecProblem } from '../shared/spec/problems.js';

/** Exit codes: 3 = the Temporal server did not answer; 4 = a wait (apply --wait, delete) ran out of time. */
export const EXIT = { ok: 0, failure: 1, usage: 2, unreachable: 3, timeout: 4 } as const;

export class KsitError extends Error {
  readonly exitCode: number;
  readonly problems?: SpecProblem[];

  constructor(message: string, options: { exitCode?: number; problems?: SpecProblem[]; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KsitError';
    this.exitCode = options.exitCode ?? EXIT.failure;
    if (options.problems) this.problems = options.problems;
  }
}

/** The command line itself is wrong: exit 2, with the usage text as a reminder. */
export class UsageError extends KsitError {
  constructor(
    message: string,
    readonly usage?: string,
  ) {
    super(message, { exitCode: EXIT.usage });
    this.name = 'UsageError';
  }
}

type Writer = { write(text: string): unknown };

/** Prints an error for humans and returns the exit code. Stack traces only with KSIT_DEBUG=1. */
export function handleError(error: unknown, stderr: Writer = process.stderr): number {
  const debug = process.env.KSIT_DEBUG === '1';
  if (error instanceof KsitError) {
    for (const problem of error.problems ?? []) stderr.write(`${formatProblem(problem)}\n`);
    stderr.write(`ksit: ${error.message}\n`);
    if (error instanceof UsageError)
      stderr.write(error.usage ? `usage: ${error.usage}\n` : `run "ksit --help" for usage\n`);
    if (debug && error.stack) stderr.write(`${error.stack}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  // History written with a codec key this CLI lacks: a configuration problem, not a bug.
  if (error instanceof PayloadDecryptionError) {
    stderr.write(`ksit: ${message}\n`);
    return EXIT.failure;
  }
  stderr.write(`ksit: unexpected error: ${message}\n`);
  stderr.write(
    debug && error instanceof Error && error.stack
      ? `${error.stack}\n`
      : 'ksit: set KSIT_DEBUG=1 to see where it happened\n',
  );
  return EXIT.failure;
}
