/** Exit codes, as uv uses them. */
export const ExitStatus = {
  /** The command did what was asked. */
  Success: 0,
  /** A user-facing failure: no solution, bad input, a package that cannot be installed. */
  Failure: 1,
  /** An unexpected error, or a command line that cannot be understood. */
  Error: 2,
} as const;
export type ExitStatus = (typeof ExitStatus)[keyof typeof ExitStatus];

/**
 * Thrown by a command that has already printed why it failed (uv's no-solution report): the CLI
 * exits with `status` and prints nothing more.
 */
export class ExitWith extends Error {
  constructor(readonly status: ExitStatus) {
    super(`exit status ${status}`);
  }
}
