import { type ErrorCode, PuffinError } from "../support/index.ts";

/** Where something sits in a requirements file: the file as displayed, 1-based line and column. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
}

/** The codes a `RequirementsFileError` carries: those of the `requirements-` family. */
export type RequirementsFileErrorCode = Extract<ErrorCode, `requirements-${string}`>;

/**
 * Any failure to read or understand a requirements file. Besides the `PuffinError` contract it
 * names the file and, when the problem is on a line, the line (and the column for requirement
 * errors); the message already includes them as `file:line[:column]`.
 *
 * Codes: `requirements-file-read`, `requirements-file-encoding`, `requirements-file-syntax`
 * (unsplittable options), `requirements-file-option` (unknown option, missing or bad value),
 * `requirements-file-requirement` (the requirement itself; the `Pep508Error` is the cause),
 * `requirements-file-editable`, `requirements-file-constraint`, `requirements-file-include-cycle`,
 * `requirements-file-remote`, and `requirements-too-large` for a file past the size limit.
 */
export class RequirementsFileError extends PuffinError {
  override readonly name: string = "RequirementsFileError";
  readonly file: string;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(
    code: RequirementsFileErrorCode,
    message: string,
    options: { file: string; line?: number; column?: number; hint?: string; cause?: unknown },
  ) {
    super(code, message, options);
    this.file = options.file;
    this.line = options.line;
    this.column = options.column;
  }
}

/** `file:line` or `file:line:column`, as used at the end of messages. */
export function formatLocation(location: SourceLocation, column?: number): string {
  return column === undefined
    ? `${location.file}:${location.line}`
    : `${location.file}:${location.line}:${column}`;
}

/** A `RequirementsFileError` about the logical line at `location`. */
export function lineError(
  code: RequirementsFileErrorCode,
  what: string,
  location: SourceLocation,
  extra: { column?: number; hint?: string; cause?: unknown } = {},
): RequirementsFileError {
  return new RequirementsFileError(code, `${what} at ${formatLocation(location, extra.column)}`, {
    ...extra,
    file: location.file,
    line: location.line,
  });
}
