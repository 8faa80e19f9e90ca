/**
 * The RFC 822-style header block of a `METADATA` / `PKG-INFO` file, read the way Python's
 * `email.parser` reads it with the `compat32` policy — which is what `importlib.metadata`, pip
 * and `packaging.metadata.parse_email` use, and so what "valid metadata" means in practice.
 * https://packaging.python.org/en/latest/specifications/core-metadata/
 *
 * The rules, as `email.feedparser` applies them:
 * - Lines end at `\r\n`, `\r` or `\n` (all three are normalized to `\n` here, in values and body).
 * - A header line is `Name: value`, where the name is printable ASCII without spaces or `:`.
 *   Names are case-insensitive; every occurrence is kept, in order (multiple-use fields).
 * - A line starting with a space or a tab continues the previous header: the value keeps the
 *   line break and the line's indentation verbatim (unfolding is the field's business; see
 *   `core-metadata.ts` for `Description`). A continuation before any header is ignored.
 * - The value of the first line loses its leading spaces and tabs; trailing whitespace stays.
 * - A line starting with `:` (a header without a name) is skipped; so is an mbox envelope line
 *   (`From …`), which Python treats as a header-like line. (Python makes a `From ` line that is the
 *   last of the header block the body's first line instead; METADATA never has one.)
 * - The first empty line ends the headers and the rest is the body. Any other line that is not
 *   a header (no colon, or a space before the colon) also ends the headers, and *it* begins the
 *   body (Python's `MissingHeaderBodySeparatorDefect`). An empty body counts as no body.
 *
 * Deliberate differences from Python: bytes are decoded as UTF-8 (a leading BOM is dropped), and a
 * line that is not valid UTF-8 falls back to Latin-1 with a warning instead of becoming
 * mojibake surrogates; RFC 2047 encoded words (`=?utf-8?q?…?=`) are left alone, as `compat32`
 * leaves them.
 */
export class MetadataHeaders {
  /** The body after the header block, or `undefined` when there is none or it is empty. */
  readonly body: string | undefined;
  /** Problems that did not stop parsing (undecodable bytes), in order of appearance. */
  readonly warnings: readonly string[];
  readonly #fields: ReadonlyMap<string, readonly string[]>;

  private constructor(
    fields: ReadonlyMap<string, readonly string[]>,
    body: string | undefined,
    warnings: readonly string[],
  ) {
    this.#fields = fields;
    this.body = body;
    this.warnings = warnings;
  }

  static parse(input: Uint8Array | string): MetadataHeaders {
    const warnings: string[] = [];
    let text = typeof input === "string" ? stripBom(input) : decodeMetadataBytes(input, warnings);
    if (text.includes("\r")) text = text.replace(LINE_BREAKS, "\n");

    const fields = new Map<string, string[]>();
    let current: { values: string[]; index: number } | undefined;
    let body: string | undefined;
    let start = 0;
    while (start < text.length) {
      const newline = text.indexOf("\n", start);
      const end = newline === -1 ? text.length : newline;
      const line = text.slice(start, end);
      const next = newline === -1 ? text.length : newline + 1;

      if (line.length === 0) {
        body = text.slice(next);
        break;
      }
      const first = line.charCodeAt(0);
      if (first === SPACE || first === TAB) {
        if (current !== undefined) current.values[current.index] += "\n" + line;
        start = next;
        continue;
      }
      if (line.startsWith("From ")) {
        current = undefined;
        start = next;
        continue;
      }
      const colon = headerNameEnd(line);
      if (colon === -1) {
        body = text.slice(start);
        break;
      }
      if (colon === 0) {
        current = undefined;
        start = next;
        continue;
      }
      const name = line.slice(0, colon).toLowerCase();
      const value = stripLeadingBlanks(line, colon + 1);
      let values = fields.get(name);
      if (values === undefined) {
        values = [];
        fields.set(name, values);
      }
      values.push(value);
      current = { values, index: values.length - 1 };
      start = next;
    }
    return new MetadataHeaders(fields, body === "" ? undefined : body, warnings);
  }

  /** The first value of the field `name` (any case), like Python's `Message.get`. */
  get(name: string): string | undefined {
    return this.#fields.get(name.toLowerCase())?.[0];
  }

  /** Every value of the field `name` (any case), in file order; `[]` when absent. */
  getAll(name: string): readonly string[] {
    return this.#fields.get(name.toLowerCase()) ?? NONE;
  }

  has(name: string): boolean {
    return this.#fields.has(name.toLowerCase());
  }

  /** The lowercased names of the fields present, in order of first appearance. */
  names(): string[] {
    return [...this.#fields.keys()];
  }
}

const SPACE = 0x20;
const TAB = 0x09;
const NONE: readonly string[] = Object.freeze([]);
const LINE_BREAKS = /\r\n?/g;

/**
 * The index of the `:` ending a header name, or -1 when `line` is not a header line. Mirrors the
 * `[\041-\071\073-\176]*:` part of `email.feedparser.headerRE`.
 */
function headerNameEnd(line: string): number {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 0x3a /* : */) return i;
    if (c < 0x21 || c > 0x7e) return -1;
  }
  return -1;
}

function stripLeadingBlanks(line: string, from: number): string {
  let i = from;
  while (i < line.length) {
    const c = line.charCodeAt(i);
    if (c !== SPACE && c !== TAB) break;
    i++;
  }
  return line.slice(i);
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });
const UTF8_LINE = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * UTF-8, as the spec requires since Metadata 2.1. Old files written by Python 2 tools are
 * sometimes Latin-1: then each line that is not valid UTF-8 is decoded as Latin-1 (the fallback
 * `packaging.metadata` uses too; every byte maps to a character), so one bad byte in `Author`
 * does not cost the dependencies, and a warning names the line.
 */
function decodeMetadataBytes(bytes: Uint8Array, warnings: string[]): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    // Fall through to line-by-line decoding.
  }
  const hasBom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const parts: string[] = [];
  let lineNumber = 1;
  let start = hasBom ? 3 : 0;
  while (start <= bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    if (end === -1) end = bytes.length;
    const line = bytes.subarray(start, end);
    try {
      parts.push(UTF8_LINE.decode(line));
    } catch {
      parts.push(Buffer.from(line.buffer, line.byteOffset, line.byteLength).toString("latin1"));
      warnings.push(`Line ${lineNumber} is not valid UTF-8; read it as Latin-1`);
    }
    lineNumber++;
    start = end + 1;
  }
  return parts.join("\n");
}
