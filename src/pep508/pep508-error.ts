import {
  credentialRedactions,
  PuffinError,
  redactCredentials,
  redactedOffset,
} from "../support/index.ts";

/** The stable error codes of this module's parse errors. */
export type Pep508ErrorCode = "invalid-requirement" | "invalid-marker";

/**
 * A syntax error in a dependency specifier or a marker, pointing at the offending columns.
 *
 * The message is the reason, then the input, then carets under `input[start, start + length)`,
 * in the style of uv:
 *
 * ```text
 * Expected one of `@`, `(`, `<`, `=`, `>`, `~`, `!`, `;`, found `/`
 * numpy/
 *      ^
 * ```
 *
 * `reason` alone is the first line, for callers that render the location themselves. The
 * rendered input has its credentials masked (`https://user:****@host`), with the carets moved to
 * match; `input` keeps the original text for callers that need it.
 */
export class Pep508Error extends PuffinError {
  override readonly name: string = "Pep508Error";
  readonly reason: string;
  readonly input: string;
  /** Offset of the first offending UTF-16 code unit in `input`. */
  readonly start: number;
  /** Number of offending code units; 0 is drawn as one caret (e.g. at the end of the input). */
  readonly length: number;

  constructor(
    code: Pep508ErrorCode,
    location: { reason: string; input: string; start: number; length: number },
    options: { hint?: string; cause?: unknown } = {},
  ) {
    super(code, renderPep508Error(location), options);
    this.reason = location.reason;
    this.input = location.input;
    this.start = location.start;
    this.length = location.length;
  }
}

function renderPep508Error(location: {
  reason: string;
  input: string;
  start: number;
  length: number;
}): string {
  const redactions = credentialRedactions(location.input);
  let { input, start } = location;
  let end = start + location.length;
  if (redactions.length > 0) {
    input = redactCredentials(input);
    start = redactedOffset(redactions, start);
    end = Math.max(start, redactedOffset(redactions, end));
  }
  // Columns count code points so that an astral character takes one column, like a terminal.
  const column = [...input.slice(0, start)].length;
  const width = Math.max(1, [...input.slice(start, end)].length);
  return `${location.reason}\n${input}\n${" ".repeat(column)}${"^".repeat(width)}`;
}
