import { PuffinError } from "../support/index.ts";
import { Pep508Error, type Pep508ErrorCode } from "./pep508-error.ts";

/** Char codes the PEP 508 scanners branch on. */
export const Char = {
  Tab: 9,
  Space: 32,
  Bang: 33,
  DoubleQuote: 34,
  Hash: 35,
  SingleQuote: 39,
  LeftParen: 40,
  RightParen: 41,
  Plus: 43,
  Comma: 44,
  Dash: 45,
  Dot: 46,
  Slash: 47,
  Zero: 48,
  Nine: 57,
  Colon: 58,
  Semicolon: 59,
  Less: 60,
  Equals: 61,
  Greater: 62,
  At: 64,
  UpperA: 65,
  UpperZ: 90,
  LeftBracket: 91,
  Backslash: 92,
  RightBracket: 93,
  Underscore: 95,
  LowerA: 97,
  LowerZ: 122,
  Tilde: 126,
  /** Returned by `peek()` past the end of the input. */
  End: -1,
};

export function isAsciiAlphanumeric(c: number): boolean {
  return (
    (c >= Char.LowerA && c <= Char.LowerZ) ||
    (c >= Char.UpperA && c <= Char.UpperZ) ||
    (c >= Char.Zero && c <= Char.Nine)
  );
}

/**
 * A character that continues a word, for the `\b` word boundaries of packaging's tokenizer:
 * `in`, `and`, a marker name... end only where the next character is not one of these.
 * Non-ASCII counts as a word character (Python's `\w` is Unicode); either way such input is an
 * error, only the message differs.
 */
export function isWordCharacter(c: number): boolean {
  return isAsciiAlphanumeric(c) || c === Char.Underscore || c > 127;
}

/**
 * A position in one input string, moved forward by hand-written scanners (no regular
 * expressions, no backtracking). Errors it builds carry the whole input so they can point at
 * the offending columns.
 */
export class Cursor {
  readonly input: string;
  readonly code: Pep508ErrorCode;
  pos = 0;

  constructor(input: string, code: Pep508ErrorCode) {
    this.input = input;
    this.code = code;
  }

  atEnd(): boolean {
    return this.pos >= this.input.length;
  }

  /** The char code at the cursor, or `Char.End`. */
  peek(): number {
    return this.pos < this.input.length ? this.input.charCodeAt(this.pos) : Char.End;
  }

  /** The char code `offset` positions after the cursor, or `Char.End`. */
  peekAt(offset: number): number {
    const at = this.pos + offset;
    return at < this.input.length ? this.input.charCodeAt(at) : Char.End;
  }

  /** Consumes `c` when it is next. */
  eat(c: number): boolean {
    if (this.peek() !== c) return false;
    this.pos++;
    return true;
  }

  /** Skips spaces and tabs (PEP 508 `wsp`); returns whether any were skipped. */
  skipWhitespace(): boolean {
    const start = this.pos;
    const input = this.input;
    while (this.pos < input.length) {
      const c = input.charCodeAt(this.pos);
      if (c !== Char.Space && c !== Char.Tab) break;
      this.pos++;
    }
    return this.pos > start;
  }

  /** True when `word` is next and is not followed by another word character. */
  lookingAtWord(word: string): boolean {
    return this.input.startsWith(word, this.pos) && !isWordCharacter(this.peekAt(word.length));
  }

  /** Consumes `word` when `lookingAtWord(word)`. */
  eatWord(word: string): boolean {
    if (!this.lookingAtWord(word)) return false;
    this.pos += word.length;
    return true;
  }

  /** The end of the run of word characters starting at `from`. */
  wordEnd(from: number = this.pos): number {
    let end = from;
    while (end < this.input.length && isWordCharacter(this.input.charCodeAt(end))) end++;
    return end;
  }

  /** How the next character reads in a message: `` `x` `` or `end of input`. */
  describeNext(): string {
    const c = this.input.codePointAt(this.pos);
    if (c === undefined) return "end of input";
    return `\`${String.fromCodePoint(c)}\``;
  }

  /** An error about `input[start, start + length)`. */
  error(reason: string, start: number, length: number): Pep508Error {
    return new Pep508Error(this.code, { reason, input: this.input, start, length });
  }

  /**
   * An error about `input[start, start + length)` caused by `cause` (an invalid version or URL
   * there): its message becomes the reason, its hint is kept. Anything but a `PuffinError` is a
   * bug and is rethrown as is.
   */
  wrap(cause: unknown, start: number, length: number): Pep508Error {
    if (!(cause instanceof PuffinError)) throw cause;
    return new Pep508Error(
      this.code,
      { reason: cause.message, input: this.input, start, length },
      cause.hint === undefined ? { cause } : { cause, hint: cause.hint },
    );
  }

  /** An error about the next character (or the end of the input). */
  unexpected(expected: string): Pep508Error {
    return this.error(
      `Expected ${expected}, found ${this.describeNext()}`,
      this.pos,
      this.atEnd() ? 0 : 1,
    );
  }
}
