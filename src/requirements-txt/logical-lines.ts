/**
 * The preprocessing pip applies to a requirements file before reading options and requirements
 * (`req_file.preprocess`): physical lines are joined where one ends with `\`, comments are
 * removed, blank lines dropped, and `${VAR}` references expanded.
 * https://pip.pypa.io/en/stable/reference/requirements-file-format/#structure
 */

/** One logical line: its text and the 1-based number of the physical line it starts on. */
export interface LogicalLine {
  readonly line: number;
  readonly text: string;
  /** 1-based column where `text` starts on that physical line (leading whitespace skipped). */
  readonly column: number;
}

/** Environment variables available to `${VAR}` references. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** Python's `str.splitlines` boundaries besides `\r\n`; pip splits with it. */
const LINE_BREAKS = new Set([
  "\n",
  "\r",
  "\v",
  "\f",
  "\u001c",
  "\u001d",
  "\u001e",
  "\u0085",
  "\u2028",
  "\u2029",
]);

/** A comment: `#` at the start of a line or after whitespace, to the end of the line. */
const COMMENT = /(^|\s+)#.*$/;
/** A line that is a comment from its start, which also ends a continuation. */
const COMMENT_LINE = /^\s*#/;

/**
 * `${NAME}` with NAME of uppercase ASCII letters, digits and underscores, as pip (and its docs)
 * define it; `$NAME`, `%NAME%` and lowercase names are left as written.
 */
const ENV_VAR = /\$\{([A-Z0-9_]+)\}/g;

/** The physical lines of `text` (a trailing line break does not start another line). */
export function physicalLines(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (!LINE_BREAKS.has(text[i]!)) continue;
    lines.push(text.slice(start, i));
    if (text[i] === "\r" && text[i + 1] === "\n") i++;
    start = i + 1;
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

/**
 * Joins continuations, strips comments and whitespace, drops empty lines, and expands `${VAR}`
 * from `env`. Expansion comes last, so a variable's value can contain neither a comment nor a
 * continuation; an undefined or empty variable stays as written, as in pip.
 */
export function logicalLines(text: string, env: Environment): LogicalLine[] {
  const result: LogicalLine[] = [];
  for (const joined of joinContinuations(physicalLines(text))) {
    const uncommented = joined.text.replace(COMMENT, "");
    const stripped = uncommented.trim();
    if (stripped === "") continue;
    const indent = uncommented.length - uncommented.trimStart().length;
    result.push({ line: joined.line, text: expandVariables(stripped, env), column: indent + 1 });
  }
  return result;
}

/**
 * pip's `join_lines`: a line ending in `\` continues on the next one, losing its backslashes
 * (pip strips them from both ends). A comment line ends a continuation and is kept, with a
 * leading space so that it is still recognized as a comment once joined.
 */
function joinContinuations(lines: readonly string[]): { line: number; text: string }[] {
  const joined: { line: number; text: string }[] = [];
  let pending: string[] = [];
  let pendingLine = 0;
  lines.forEach((raw, index) => {
    const isComment = COMMENT_LINE.test(raw);
    if (!raw.endsWith("\\") || isComment) {
      const line = isComment ? ` ${raw}` : raw;
      if (pending.length > 0) {
        pending.push(line);
        joined.push({ line: pendingLine, text: pending.join("") });
        pending = [];
      } else {
        joined.push({ line: index + 1, text: line });
      }
    } else {
      if (pending.length === 0) pendingLine = index + 1;
      pending.push(raw.replace(/^\\+|\\+$/g, ""));
    }
  });
  if (pending.length > 0) joined.push({ line: pendingLine, text: pending.join("") });
  return joined;
}

/** Replaces each `${NAME}` whose variable is set to a non-empty value. */
export function expandVariables(text: string, env: Environment): string {
  if (!text.includes("${")) return text;
  return text.replace(ENV_VAR, (reference, name: string) => {
    const value = env[name];
    return value === undefined || value === "" ? reference : value;
  });
}
