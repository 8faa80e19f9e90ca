import { ExtraName, PackageName } from "../normalize/index.ts";
import { VersionSpecifier, VersionSpecifiers } from "../pep440/index.ts";
import { Char, Cursor, isAsciiAlphanumeric } from "./cursor.ts";
import { parseMarker } from "./marker-parser.ts";
import { MarkerTree } from "./marker-tree.ts";
import { VerbatimUrl } from "./verbatim-url.ts";

/** What a requirement asks for besides its name: versions, or one artifact at a URL. */
export type RequirementVersion =
  | { readonly kind: "specifiers"; readonly specifiers: VersionSpecifiers }
  | { readonly kind: "url"; readonly url: VerbatimUrl };

export interface RequirementParseOptions {
  /** Base for a relative path after `@` (`foo @ ./foo`); default: the current directory. */
  readonly workingDirectory?: string;
}

/**
 * A PEP 508 dependency specifier: `name [extras] (specifiers | @ url) ; marker`.
 * https://packaging.python.org/en/latest/specifications/dependency-specifiers/
 *
 * Parsed as packaging 26 parses it (the grammar it accepts, where whitespace may go, `()` and
 * `[]` allowed empty), with two deliberate differences: names and extras must end in a letter
 * or digit as PEP 508 says (packaging lets `name_` through), and marker strings are literal
 * (see `parseMarker`).
 */
export class Requirement {
  readonly name: PackageName;
  /** Normalized, deduplicated and sorted. */
  readonly extras: readonly ExtraName[];
  readonly version: RequirementVersion;
  readonly marker: MarkerTree | undefined;
  /** The name and extras as written, for `toString()` (packaging prints these). */
  readonly #written: RequirementFields["written"];

  private constructor(fields: RequirementFields) {
    this.name = fields.name;
    this.extras = fields.extras;
    this.version = fields.version;
    this.marker = fields.marker;
    this.#written = fields.written;
  }

  /** Throws `Pep508Error` with code `invalid-requirement`. */
  static parse(s: string, options: RequirementParseOptions = {}): Requirement {
    return new Requirement(parseRequirement(new Cursor(s, "invalid-requirement"), options));
  }

  /** The same requirement with no marker (one already evaluated by the caller). */
  withoutMarker(): Requirement {
    return this.withMarker(undefined);
  }

  /** The same requirement with another marker (`undefined`: none). */
  withMarker(marker: MarkerTree | undefined): Requirement {
    if (this.marker === marker) return this;
    return new Requirement({
      name: this.name,
      extras: this.extras,
      version: this.version,
      marker,
      written: this.#written,
    });
  }

  /**
   * Equal after normalization, as packaging defines it: same normalized name and extras, same
   * set of specifiers (normalized), same URL as given, same normalized marker.
   */
  equals(other: Requirement): boolean {
    if (this.name !== other.name || this.extras.join(",") !== other.extras.join(",")) return false;
    if (String(this.marker ?? "") !== String(other.marker ?? "")) return false;
    const mine = this.version;
    const theirs = other.version;
    if (mine.kind === "url") return theirs.kind === "url" && mine.url.given === theirs.url.given;
    return theirs.kind === "specifiers" && mine.specifiers.equals(theirs.specifiers);
  }

  /**
   * Equal to packaging's `str(Requirement)`: the name as written, extras as written (sorted,
   * deduplicated) in brackets, the specifiers as written without whitespace (sorted,
   * deduplicated, comma-separated), ` @ url`, then `; marker` (after a space when a URL
   * precedes it, so the marker is not read as part of the URL).
   */
  toString(): string {
    const written = this.#written;
    let text = written.name;
    if (written.extras.length > 0) text += `[${written.extras.join(",")}]`;
    if (this.version.kind === "specifiers") text += this.version.specifiers.toString();
    if (this.version.kind === "url") {
      text += ` @ ${this.version.url.given}`;
      if (this.marker !== undefined) text += " ";
    }
    if (this.marker !== undefined) text += `; ${this.marker}`;
    return text;
  }
}

interface RequirementFields {
  readonly name: PackageName;
  readonly extras: readonly ExtraName[];
  readonly version: RequirementVersion;
  readonly marker: MarkerTree | undefined;
  readonly written: { readonly name: string; readonly extras: readonly string[] };
}

function parseRequirement(cursor: Cursor, options: RequirementParseOptions): RequirementFields {
  cursor.skipWhitespace();
  const writtenName = scanName(cursor, "package");
  cursor.skipWhitespace();
  const writtenExtras = cursor.peek() === Char.LeftBracket ? parseExtras(cursor) : [];
  cursor.skipWhitespace();

  let version: RequirementVersion;
  let scanned: ScannedSpecifier[] = [];
  const c = cursor.peek();
  if (c === Char.At) {
    cursor.pos++;
    version = { kind: "url", url: parseUrl(cursor, options) };
    // The URL runs to the next whitespace, so a marker needs a space before its `;`.
    if (cursor.skipWhitespace() && !cursor.atEnd() && cursor.peek() !== Char.Semicolon) {
      throw cursor.unexpected("`;` or the end of the requirement");
    }
  } else {
    const parenthesized = c === Char.LeftParen;
    if (parenthesized || isOperatorStart(c)) {
      const open = cursor.pos;
      if (parenthesized) cursor.pos++;
      scanned = scanSpecifiers(cursor, parenthesized);
      if (parenthesized) {
        cursor.skipWhitespace();
        if (!cursor.eat(Char.RightParen)) {
          throw cursor.error(
            `Expected \`,\` or \`)\` to close the \`(\` at column ${open + 1}, found ${cursor.describeNext()}`,
            open,
            cursor.pos - open,
          );
        }
        cursor.skipWhitespace();
      }
      if (!cursor.atEnd() && cursor.peek() !== Char.Semicolon) {
        throw cursor.unexpected(
          parenthesized
            ? "`;` or the end of the requirement"
            : "`,`, `;` or the end of the requirement",
        );
      }
    } else if (c !== Char.Semicolon && c !== Char.End) {
      throw cursor.unexpected("one of `@`, `(`, `<`, `=`, `>`, `~`, `!`, `;`");
    }
    version = { kind: "specifiers", specifiers: buildSpecifiers(cursor, scanned) };
  }

  let marker: MarkerTree | undefined;
  if (cursor.eat(Char.Semicolon)) {
    marker = new MarkerTree(parseMarker(cursor));
    if (!cursor.atEnd()) throw cursor.unexpected("`and`, `or` or the end of the requirement");
  }

  return {
    name: PackageName.fromValid(writtenName),
    extras: sortedUnique(writtenExtras.map((extra) => ExtraName.parse(extra))),
    version,
    marker,
    written: { name: writtenName, extras: sortedUnique(writtenExtras) },
  };
}

function sortedUnique<T extends string>(items: T[]): T[] {
  return items.length < 2 ? items : [...new Set(items)].sort();
}

/**
 * A PEP 508 identifier: ASCII letters and digits, with `-`, `_` and `.` only between them.
 * Returns it as written.
 */
function scanName(cursor: Cursor, kind: "package" | "extra"): string {
  const start = cursor.pos;
  if (!isAsciiAlphanumeric(cursor.peek())) {
    throw cursor.unexpected(kind === "package" ? "a package name" : "an extra name");
  }
  const input = cursor.input;
  let end = start + 1;
  while (end < input.length) {
    const c = input.charCodeAt(end);
    if (!isAsciiAlphanumeric(c) && c !== Char.Dash && c !== Char.Underscore && c !== Char.Dot)
      break;
    end++;
  }
  cursor.pos = end;
  if (!isAsciiAlphanumeric(input.charCodeAt(end - 1))) {
    throw cursor.error(
      `${kind === "package" ? "Package" : "Extra"} name must end with a letter or digit, found \`${input[end - 1]}\``,
      end - 1,
      1,
    );
  }
  return input.slice(start, end);
}

/** `[` extra (`,` extra)* `]`, whitespace allowed inside; `[]` is allowed. Extras as written. */
function parseExtras(cursor: Cursor): string[] {
  const open = cursor.pos;
  cursor.pos++;
  cursor.skipWhitespace();
  const extras: string[] = [];
  if (cursor.eat(Char.RightBracket)) return extras;
  for (;;) {
    extras.push(scanName(cursor, "extra"));
    cursor.skipWhitespace();
    if (cursor.eat(Char.RightBracket)) return extras;
    if (cursor.eat(Char.Comma)) {
      cursor.skipWhitespace();
      continue;
    }
    if (isAsciiAlphanumeric(cursor.peek())) throw cursor.unexpected("`,` between extra names");
    throw cursor.error(
      `Expected \`,\` or \`]\` to close the \`[\` at column ${open + 1}, found ${cursor.describeNext()}`,
      open,
      cursor.pos - open,
    );
  }
}

/** After `@`: the URL runs to the next space or tab (PEP 508 `URI_reference`). */
function parseUrl(cursor: Cursor, options: RequirementParseOptions): VerbatimUrl {
  cursor.skipWhitespace();
  const start = cursor.pos;
  const input = cursor.input;
  let end = start;
  while (end < input.length) {
    const c = input.charCodeAt(end);
    if (c === Char.Space || c === Char.Tab) break;
    end++;
  }
  if (end === start) throw cursor.unexpected("a URL or path after `@`");
  cursor.pos = end;
  try {
    return VerbatimUrl.parse(input.slice(start, end), options.workingDirectory);
  } catch (error) {
    throw cursor.wrap(error, start, end - start);
  }
}

function isOperatorStart(c: number): boolean {
  return (
    c === Char.Less ||
    c === Char.Equals ||
    c === Char.Greater ||
    c === Char.Tilde ||
    c === Char.Bang
  );
}

/** One specifier as `operator + version` without whitespace, and where it was written. */
interface ScannedSpecifier {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/**
 * `specifier (',' specifier)* ','?` with whitespace anywhere between tokens. Inside parentheses the list may be
 * empty (`name()`). The version runs over PEP 508's version characters; whether it is a valid
 * PEP 440 version for its operator is for `buildSpecifiers` to say.
 */
function scanSpecifiers(cursor: Cursor, mayBeEmpty: boolean): ScannedSpecifier[] {
  const specifiers: ScannedSpecifier[] = [];
  cursor.skipWhitespace();
  if (mayBeEmpty && cursor.peek() === Char.RightParen) return specifiers;
  const input = cursor.input;
  for (;;) {
    const start = cursor.pos;
    while (isOperatorStart(cursor.peek())) cursor.pos++;
    const operator = input.slice(start, cursor.pos);
    if (operator === "") {
      throw cursor.unexpected(
        "a version operator (`==`, `!=`, `<`, `<=`, `>`, `>=`, `~=` or `===`)",
      );
    }
    cursor.skipWhitespace();
    const versionStart = cursor.pos;
    while (isVersionCharacter(cursor.peek())) cursor.pos++;
    if (cursor.pos === versionStart) throw cursor.unexpected(`a version after \`${operator}\``);
    const text = operator + input.slice(versionStart, cursor.pos);
    specifiers.push({ text, start, end: cursor.pos });
    cursor.skipWhitespace();
    if (!cursor.eat(Char.Comma)) return specifiers;
    cursor.skipWhitespace();
    // A trailing comma (`name>=1.0,`) is not in PEP 508's grammar, but packaging, and so pip,
    // accepts it; it adds nothing.
    if (!isOperatorStart(cursor.peek())) return specifiers;
  }
}

/** PEP 508 `version` characters: letters, digits, `-`, `_`, `.`, `*`, `+`, `!`. */
function isVersionCharacter(c: number): boolean {
  return (
    isAsciiAlphanumeric(c) ||
    c === Char.Dash ||
    c === Char.Underscore ||
    c === Char.Dot ||
    c === 42 /* * */ ||
    c === Char.Plus ||
    c === Char.Bang
  );
}

/** The PEP 440 meaning of each scanned specifier; an error points at the culprit. */
function buildSpecifiers(cursor: Cursor, scanned: readonly ScannedSpecifier[]): VersionSpecifiers {
  const specifiers: VersionSpecifier[] = [];
  for (const { text, start, end } of scanned) {
    try {
      specifiers.push(VersionSpecifier.parse(text));
    } catch (error) {
      throw cursor.wrap(error, start, end - start);
    }
  }
  return new VersionSpecifiers(specifiers);
}
