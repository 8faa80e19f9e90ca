import { createHash, getHashes, type Hash } from "node:crypto";
import { PuffinError } from "../support/index.ts";

/**
 * `RECORD`: the CSV list of a distribution's files (PEP 376, binary distribution format).
 * https://packaging.python.org/en/latest/specifications/recording-installed-packages/#the-record-file
 *
 * Each row is `path,hash,size`: `hash` is `<algorithm>=<urlsafe base64 digest, no padding>` and
 * may be empty (for RECORD itself, and for files that cannot be hashed at install time), `size`
 * is a decimal byte count and may be empty. Rows are read with the rules of Python's `csv`
 * module (its default dialect), which is what every tool writes them with.
 */
export interface RecordEntry {
  readonly path: string;
  /** `sha256=…`, or `undefined` when the field is empty. */
  readonly hash: string | undefined;
  readonly size: number | undefined;
}

/** The fields of a row that are invalid (`path` empty, `size` not a decimal integer). */
export function invalidRecordFields(row: readonly string[]): ("path" | "size")[] {
  const bad: ("path" | "size")[] = [];
  if (row[0] === undefined || row[0] === "") bad.push("path");
  const size = row[2] ?? "";
  if (size !== "" && !/^\d+$/.test(size)) bad.push("size");
  return bad;
}

/**
 * Splits RECORD text into rows of fields, as Python's `csv.reader` does with the default
 * dialect: `,` separates, `"` quotes (doubled inside quotes), records end at `\n`, `\r\n` or
 * `\r` outside quotes; empty lines yield no row.
 */
export function parseCsvRows(text: string): string[][] {
  // Without quotes or carriage returns (almost every RECORD), rows are lines split at commas.
  if (!text.includes('"') && !text.includes("\r")) {
    const rows: string[][] = [];
    for (const line of text.split("\n")) if (line !== "") rows.push(line.split(","));
    return rows;
  }
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let fieldStarted = false;
  const endRow = () => {
    if (fieldStarted || row.length > 0) {
      row.push(field);
      rows.push(row);
    }
    row = [];
    field = "";
    fieldStarted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        field += c;
      }
    } else if (c === '"' && field === "") {
      quoted = true;
      fieldStarted = true;
    } else if (c === ",") {
      row.push(field);
      field = "";
      fieldStarted = true;
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      endRow();
    } else {
      field += c;
      fieldStarted = true;
    }
  }
  endRow();
  return rows;
}

/**
 * Parses a RECORD file. `source` names it in errors (`invalid-record`): a row without exactly
 * three fields, an empty path, or a size that is not a number.
 */
export function parseRecord(text: string, source: string): RecordEntry[] {
  const entries: RecordEntry[] = [];
  for (const row of parseCsvRows(text)) {
    if (row.length !== 3) {
      throw new PuffinError(
        "invalid-record",
        `${source} has a row with ${row.length} fields instead of 3: ${JSON.stringify(row.join(","))}`,
      );
    }
    const bad = invalidRecordFields(row);
    if (bad.length > 0) {
      throw new PuffinError(
        "invalid-record",
        `${source} has a row with an invalid ${bad.join(" and ")}: ${JSON.stringify(row.join(","))}`,
      );
    }
    const [path, hash, size] = row as [string, string, string];
    entries.push({
      path,
      hash: hash === "" ? undefined : hash,
      size: size === "" ? undefined : Number(size),
    });
  }
  return entries;
}

/** One RECORD line (with its `\n`), quoting fields as Python's `csv.writer` does. */
export function formatRecordRow(entry: RecordEntry): string {
  const size = entry.size === undefined ? "" : String(entry.size);
  return `${csvField(entry.path)},${csvField(entry.hash ?? "")},${size}\n`;
}

const NEEDS_QUOTES = /[",\r\n]/;

function csvField(field: string): string {
  return NEEDS_QUOTES.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}

/** `sha256=<urlsafe base64, no padding>` of `content`. */
export function recordHash(content: Uint8Array): string {
  return `sha256=${createHash("sha256").update(content).digest("base64url")}`;
}

/** Algorithms PEP 427 forbids for RECORD ("sha256 or better"). */
const WEAK_ALGORITHMS = new Set(["md5", "sha1"]);
let supportedAlgorithms: Set<string> | undefined;

/**
 * Why `content` does not match `entry`, or `undefined` when it does. A missing hash or size is
 * not a mismatch (the spec allows either to be empty); a hash that is not `<algorithm>=<digest>`
 * with a supported algorithm of at least SHA-256 strength is.
 */
export function recordMismatch(entry: RecordEntry, content: Uint8Array): string | undefined {
  const check = new RecordCheck(entry);
  check.update(content);
  return check.mismatch();
}

/**
 * `recordMismatch` for content that comes in chunks: `update` with each, in order, then
 * `mismatch()` once.
 */
export class RecordCheck {
  readonly #entry: RecordEntry;
  readonly #hash: Hash | undefined;
  readonly #algorithm: string;
  #size = 0;

  constructor(entry: RecordEntry) {
    this.#entry = entry;
    const separator = entry.hash === undefined ? -1 : entry.hash.indexOf("=");
    this.#algorithm = separator < 0 ? "" : entry.hash!.slice(0, separator).toLowerCase();
    supportedAlgorithms ??= new Set(getHashes().map((name) => name.toLowerCase()));
    const usable =
      separator > 0 &&
      !WEAK_ALGORITHMS.has(this.#algorithm) &&
      supportedAlgorithms.has(this.#algorithm);
    this.#hash = usable ? createHash(this.#algorithm) : undefined;
  }

  update(chunk: Uint8Array): void {
    this.#size += chunk.length;
    this.#hash?.update(chunk);
  }

  mismatch(): string | undefined {
    const entry = this.#entry;
    if (entry.size !== undefined && entry.size !== this.#size) {
      return `its size is ${this.#size} bytes, RECORD says ${entry.size}`;
    }
    if (entry.hash === undefined) return undefined;
    if (this.#hash === undefined) {
      return `RECORD gives it the hash ${JSON.stringify(entry.hash)}, which is not \`<algorithm>=<digest>\` with sha256 or a stronger algorithm`;
    }
    const expected = entry.hash.slice(this.#algorithm.length + 1).replace(/=+$/, "");
    const actual = this.#hash.digest("base64url");
    if (actual !== expected) {
      return `its hash is ${this.#algorithm}=${actual}, RECORD says ${entry.hash}`;
    }
    return undefined;
  }
}
