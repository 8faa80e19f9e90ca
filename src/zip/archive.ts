import { inflateRawSync } from "node:zlib";
import { PuffinError, redactCredentials } from "../support/index.ts";
import { crc32 } from "./crc32.ts";
import { decodeEntryName, unsafeNameReason } from "./entry-name.ts";
import {
  CENTRAL_HEADER_SIZE,
  type End64Record,
  EOCD_SIZE,
  EOCD64_LOCATOR_SIGNATURE,
  EOCD64_LOCATOR_SIZE,
  EOCD64_SIGNATURE,
  EOCD64_SIZE,
  findEndRecord,
  getUint64,
  LOCAL_HEADER_SIZE,
  MAX_COMMENT_SIZE,
  readCentralHeader,
  readEnd64Record,
  readEndRecord,
  readLocalHeader,
  view,
} from "./records.ts";
import type { SyncZipSource, ZipSource } from "./source.ts";

/**
 * How many bytes from the end of an archive the reader fetches first. 64 KiB holds the end
 * record and, for nearly every wheel, the whole central directory, so a remote reader needs one
 * range request for the directory and one per entry — none when the entry itself lies in the
 * tail, as `.dist-info/` files (written last) often do.
 */
export const ZIP_TAIL_SIZE = 64 * 1024;

/** A byte range the reader needs. */
export interface ReadRequest {
  readonly offset: number;
  readonly length: number;
}

/** The first read for an archive of `size` bytes (see `ZIP_TAIL_SIZE`). */
export function planTailRead(size: number, tailSize = ZIP_TAIL_SIZE): ReadRequest {
  const length = Math.min(size, tailSize);
  return { offset: size - length, length };
}

/** One member of an archive, as its central directory header describes it. */
export interface ZipEntry {
  /** The path in the archive, decoded (UTF-8 when flagged, else code page 437). */
  readonly name: string;
  /** 0 = stored, 8 = deflate (the two this reader inflates); others fail on read. */
  readonly method: number;
  /** General purpose bit flags (APPNOTE 4.4.4). */
  readonly flags: number;
  readonly encrypted: boolean;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  /** Offset of the local file header. */
  readonly headerOffset: number;
  readonly externalAttributes: number;
  /**
   * The Unix `st_mode` in the high 16 bits of the external attributes, `undefined` when zero.
   * Read regardless of the "made by" host, as pip does (wheels built on Windows carry it too).
   */
  readonly unixMode: number | undefined;
  readonly isDirectory: boolean;
  /** The Unix mode says symbolic link (`S_IFLNK`); the entry's data is the target. */
  readonly isSymlink: boolean;
}

export interface ZipOpenOptions {
  /** Bytes to fetch from the end first; defaults to `ZIP_TAIL_SIZE`. */
  readonly tailSize?: number;
}

export interface ZipReadOptions {
  /**
   * Refuse entries whose declared uncompressed size is larger (a zip bomb guard). Inflation never
   * produces more than the declared size in any case.
   */
  readonly maxSize?: number;
}

/** A parsing step: yields the byte ranges it needs, receives their bytes, returns a result. */
type Plan<T> = Generator<ReadRequest, T, Uint8Array>;

/** What the reader keeps per entry besides the public fields. */
interface EntryLayout {
  readonly nameBytes: Uint8Array;
  readonly centralExtraLength: number;
  /** Where the next local header or the central directory starts: the entry must end by then. */
  readonly limit: number;
}

interface Directory {
  readonly entries: ZipEntry[];
  readonly layouts: Map<ZipEntry, EntryLayout>;
  readonly byName: Map<string, ZipEntry>;
  readonly comment: Uint8Array;
  readonly tail: Uint8Array;
  readonly tailOffset: number;
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;
const FLAG_ENCRYPTED = 0x1;
const FLAG_UTF8 = 0x800;
const METHOD_NAMES: ReadonlyMap<number, string> = new Map([
  [1, "shrink"],
  [6, "implode"],
  [9, "deflate64"],
  [12, "bzip2"],
  [14, "lzma"],
  [93, "zstandard"],
  [95, "xz"],
  [98, "ppmd"],
  [99, "AES encryption"],
]);
/** Extra bytes read after an entry's data estimate: local extra fields often differ in size. */
const LOCAL_EXTRA_SLACK = 256;

/**
 * A ZIP archive opened by reading its central directory (APPNOTE 6.3.10, with ZIP64). The
 * source's data is only trusted once checked: every entry must lie before the central directory
 * and not overlap the next; names must be relative, `/`-separated, without `..`; each entry's
 * local header must agree with its central header; data is checked against its CRC-32 and sizes.
 *
 * Errors are `PuffinError`s naming the source: `zip-invalid` (not a zip, truncated, overlapping,
 * inconsistent, CRC or size mismatch), `zip-unsafe-name`, `zip-duplicate-entry`,
 * `zip-unsupported` (multi-disk archives), `zip-encrypted`, `zip-unsupported-method`,
 * `zip-entry-too-large`. Errors from the source itself (fs, HTTP) propagate unchanged.
 */
export class ZipArchive<S extends ZipSource = ZipSource> {
  readonly source: S;
  /** In central directory order. */
  readonly entries: readonly ZipEntry[];
  /** The archive comment, raw. */
  readonly comment: Uint8Array;
  readonly #directory: Directory;

  private constructor(source: S, directory: Directory) {
    this.source = source;
    this.#directory = directory;
    this.entries = directory.entries;
    this.comment = directory.comment;
  }

  static async open<S extends ZipSource>(
    source: S,
    options: ZipOpenOptions = {},
  ): Promise<ZipArchive<S>> {
    const plan = directoryPlan(source.name, source.size, options.tailSize ?? ZIP_TAIL_SIZE);
    return new ZipArchive(source, await runAsync(plan, source, undefined));
  }

  static openSync<S extends SyncZipSource>(source: S, options: ZipOpenOptions = {}): ZipArchive<S> {
    const plan = directoryPlan(source.name, source.size, options.tailSize ?? ZIP_TAIL_SIZE);
    return new ZipArchive(source, runSync(plan, source, undefined));
  }

  findEntry(name: string): ZipEntry | undefined {
    return this.#directory.byName.get(name);
  }

  /** The entry's uncompressed bytes, verified. */
  read(entry: ZipEntry, options: ZipReadOptions = {}): Promise<Uint8Array> {
    return runAsync(this.#entryPlan(entry, options), this.source, this.#directory);
  }

  readSync(
    this: ZipArchive<SyncZipSource>,
    entry: ZipEntry,
    options: ZipReadOptions = {},
  ): Uint8Array {
    return runSync(this.#entryPlan(entry, options), this.source, this.#directory);
  }

  #entryPlan(entry: ZipEntry, options: ZipReadOptions): Plan<Uint8Array> {
    const layout = this.#directory.layouts.get(entry);
    if (layout === undefined) {
      throw new Error(`${entry.name} is not an entry of ${this.source.name}`);
    }
    return entryPlan(this.source.name, entry, layout, options.maxSize ?? Number.POSITIVE_INFINITY);
  }
}

function runSync<T>(plan: Plan<T>, source: SyncZipSource, cached: Directory | undefined): T {
  let step = plan.next();
  while (!step.done) {
    const { offset, length } = step.value;
    const bytes = fromTail(cached, step.value) ?? source.readSync(offset, length);
    step = plan.next(checkedRead(source.name, step.value, bytes));
  }
  return step.value;
}

async function runAsync<T>(
  plan: Plan<T>,
  source: ZipSource,
  cached: Directory | undefined,
): Promise<T> {
  let step = plan.next();
  while (!step.done) {
    const { offset, length } = step.value;
    const bytes = fromTail(cached, step.value) ?? (await source.read(offset, length));
    step = plan.next(checkedRead(source.name, step.value, bytes));
  }
  return step.value;
}

/** The request served from the tail fetched when opening, when it lies there. */
function fromTail(directory: Directory | undefined, request: ReadRequest): Uint8Array | undefined {
  if (directory === undefined || request.offset < directory.tailOffset) return undefined;
  const start = request.offset - directory.tailOffset;
  return directory.tail.subarray(start, start + request.length);
}

function checkedRead(name: string, request: ReadRequest, bytes: Uint8Array): Uint8Array {
  if (bytes.length !== request.length) {
    throw invalid(
      name,
      `asked for ${request.length} bytes at offset ${request.offset}, got ${bytes.length}`,
    );
  }
  return bytes;
}

function invalid(name: string, reason: string, cause?: unknown): PuffinError {
  return new PuffinError(
    "zip-invalid",
    `${redactCredentials(name)} is not a valid zip archive: ${reason}`,
    cause === undefined ? {} : { cause },
  );
}

function* directoryPlan(name: string, size: number, tailSize: number): Plan<Directory> {
  if (size < EOCD_SIZE) throw invalid(name, `it is only ${size} bytes long`);
  let tailRequest = planTailRead(size, tailSize);
  let tail = yield tailRequest;
  let end = findEndRecord(tail);
  const searchWindow = Math.min(size, EOCD_SIZE + MAX_COMMENT_SIZE + EOCD64_LOCATOR_SIZE);
  if (end < 0 && tail.length < searchWindow) {
    // A comment longer than the first tail: fetch the largest window the end record can be in.
    tailRequest = planTailRead(size, searchWindow);
    tail = yield tailRequest;
    end = findEndRecord(tail);
  }
  if (end < 0) throw invalid(name, "no end of central directory record");
  const tailOffset = tailRequest.offset;
  const endOffset = tailOffset + end;
  const tailView = view(tail);
  const record = readEndRecord(tailView, end);
  const comment = tail.slice(end + EOCD_SIZE);
  if (
    record.disk !== 0 ||
    record.centralDirectoryDisk !== 0 ||
    record.entries !== record.entriesOnDisk
  ) {
    throw new PuffinError(
      "zip-unsupported",
      `${redactCredentials(name)} is a multi-disk (split) zip archive, which Puffin does not read`,
    );
  }
  let entryCount = record.entries;
  let cdSize = record.centralDirectorySize;
  let cdOffset = record.centralDirectoryOffset;
  /** Where the central directory must end: the ZIP64 end record if any, else the end record. */
  let cdEnd = endOffset;

  // APPNOTE 4.3.15: a ZIP64 locator right before the end record points at the ZIP64 end record.
  const locatorOffset = endOffset - EOCD64_LOCATOR_SIZE;
  if (locatorOffset >= 0) {
    const locator = yield* readRange(tail, tailOffset, locatorOffset, EOCD64_LOCATOR_SIZE);
    const locatorView = view(locator);
    if (locatorView.getUint32(0, true) === EOCD64_LOCATOR_SIGNATURE) {
      const end64Offset = getUint64(locatorView, 8);
      if (end64Offset === undefined || end64Offset + EOCD64_SIZE > locatorOffset) {
        throw invalid(name, "the ZIP64 end record locator points outside the archive");
      }
      const end64Bytes = yield* readRange(tail, tailOffset, end64Offset, EOCD64_SIZE);
      const end64View = view(end64Bytes);
      if (end64View.getUint32(0, true) !== EOCD64_SIGNATURE) {
        throw invalid(name, "the ZIP64 end record has a bad signature");
      }
      const end64: End64Record = readEnd64Record(end64View, 0);
      if (
        end64.entries === undefined ||
        end64.centralDirectorySize === undefined ||
        end64.centralDirectoryOffset === undefined
      ) {
        throw invalid(name, "the ZIP64 end record holds values beyond 2^53");
      }
      if (
        end64.disk !== 0 ||
        end64.centralDirectoryDisk !== 0 ||
        end64.entries !== end64.entriesOnDisk
      ) {
        throw new PuffinError(
          "zip-unsupported",
          `${redactCredentials(name)} is a multi-disk (split) zip archive, which Puffin does not read`,
        );
      }
      entryCount = end64.entries;
      cdSize = end64.centralDirectorySize;
      cdOffset = end64.centralDirectoryOffset;
      cdEnd = end64Offset;
    }
  }
  if (cdOffset + cdSize !== cdEnd) {
    throw invalid(
      name,
      `the central directory (${cdSize} bytes at offset ${cdOffset}) does not end where the end record starts (${cdEnd})`,
    );
  }
  if (entryCount * CENTRAL_HEADER_SIZE > cdSize) {
    throw invalid(name, `${entryCount} entries cannot fit in a ${cdSize}-byte central directory`);
  }
  const cd = yield* readRange(tail, tailOffset, cdOffset, cdSize);
  const directory = parseCentralDirectory(name, cd, entryCount, cdOffset);
  return { ...directory, comment, tail, tailOffset };
}

/** `length` bytes at `offset`, from the tail when it holds them, else read. */
function* readRange(
  tail: Uint8Array,
  tailOffset: number,
  offset: number,
  length: number,
): Plan<Uint8Array> {
  if (offset >= tailOffset) return tail.subarray(offset - tailOffset, offset - tailOffset + length);
  return yield { offset, length };
}

function parseCentralDirectory(
  name: string,
  cd: Uint8Array,
  entryCount: number,
  cdOffset: number,
): Pick<Directory, "entries" | "layouts" | "byName"> {
  const data = view(cd);
  const entries: ZipEntry[] = [];
  const headers: { nameBytes: Uint8Array; extraLength: number }[] = [];
  const byName = new Map<string, ZipEntry>();
  let at = 0;
  for (let i = 0; i < entryCount; i++) {
    const header = readCentralHeader(cd, data, at);
    if (typeof header === "string") throw invalid(name, header);
    at += header.recordSize;
    if (header.diskStart !== 0) {
      throw new PuffinError(
        "zip-unsupported",
        `${redactCredentials(name)} is a multi-disk (split) zip archive, which Puffin does not read`,
      );
    }
    const entryName = decodeEntryName(header.nameBytes, (header.flags & FLAG_UTF8) !== 0);
    if (entryName === undefined) {
      throw invalid(name, `entry ${i} is flagged UTF-8 but its name is not valid UTF-8`);
    }
    const unsafe = unsafeNameReason(entryName);
    if (unsafe !== undefined) {
      throw new PuffinError(
        "zip-unsafe-name",
        `${redactCredentials(name)} has an entry named ${JSON.stringify(entryName)}, which is unsafe: ${unsafe}`,
        { hint: "The archive may be malicious; Puffin refuses to read it" },
      );
    }
    if (byName.has(entryName)) {
      throw new PuffinError(
        "zip-duplicate-entry",
        `${redactCredentials(name)} has more than one entry named ${JSON.stringify(entryName)}`,
        { hint: "Tools disagree on which copy counts, so Puffin refuses such archives" },
      );
    }
    const mode = header.externalAttributes >>> 16;
    const entry: ZipEntry = {
      name: entryName,
      method: header.method,
      flags: header.flags,
      encrypted: (header.flags & FLAG_ENCRYPTED) !== 0,
      crc32: header.crc32,
      compressedSize: header.compressedSize,
      uncompressedSize: header.uncompressedSize,
      headerOffset: header.localHeaderOffset,
      externalAttributes: header.externalAttributes,
      unixMode: mode === 0 ? undefined : mode,
      isDirectory: entryName.endsWith("/") || (mode & S_IFMT) === S_IFDIR,
      isSymlink: (mode & S_IFMT) === S_IFLNK,
    };
    entries.push(entry);
    headers.push(header);
    byName.set(entryName, entry);
  }
  if (at !== cd.length) {
    throw invalid(
      name,
      `the central directory has ${cd.length - at} bytes after its ${entryCount} entries`,
    );
  }

  // Each entry must end before the next local header (or the central directory) begins: this
  // refuses overlapping entries (a zip-bomb technique) and offsets pointing anywhere else.
  // Writers emit the directory in file order, so sorting is usually skipped.
  const order = entries.map((_, i) => i);
  let sorted = true;
  for (let i = 1; i < entries.length && sorted; i++) {
    sorted = entries[i - 1]!.headerOffset <= entries[i]!.headerOffset;
  }
  if (!sorted) order.sort((a, b) => entries[a]!.headerOffset - entries[b]!.headerOffset);
  const layouts = new Map<ZipEntry, EntryLayout>();
  for (let k = 0; k < order.length; k++) {
    const entry = entries[order[k]!]!;
    const header = headers[order[k]!]!;
    const next = k + 1 < order.length ? entries[order[k + 1]!]! : undefined;
    const limit = next === undefined ? cdOffset : next.headerOffset;
    const minimalEnd =
      entry.headerOffset + LOCAL_HEADER_SIZE + header.nameBytes.length + entry.compressedSize;
    if (minimalEnd > limit) {
      throw invalid(
        name,
        next === undefined
          ? `entry ${JSON.stringify(entry.name)} runs into the central directory`
          : `entries ${JSON.stringify(entry.name)} and ${JSON.stringify(next.name)} overlap`,
      );
    }
    layouts.set(entry, {
      nameBytes: header.nameBytes,
      centralExtraLength: header.extraLength,
      limit,
    });
  }
  return { entries, layouts, byName };
}

function* entryPlan(
  name: string,
  entry: ZipEntry,
  layout: EntryLayout,
  maxSize: number,
): Plan<Uint8Array> {
  const what = `entry ${JSON.stringify(entry.name)} of ${redactCredentials(name)}`;
  if (entry.encrypted) {
    throw new PuffinError("zip-encrypted", `Cannot read ${what}: it is encrypted`);
  }
  if (entry.method !== 0 && entry.method !== 8) {
    const method = METHOD_NAMES.get(entry.method) ?? "unknown";
    throw new PuffinError(
      "zip-unsupported-method",
      `Cannot read ${what}: compression method ${entry.method} (${method}) is not supported`,
      { hint: "Puffin reads stored and deflate entries, as wheels use" },
    );
  }
  if (entry.uncompressedSize > maxSize) {
    throw new PuffinError(
      "zip-entry-too-large",
      `Refusing to read ${what}: it declares ${entry.uncompressedSize} bytes, more than the limit of ${maxSize}`,
    );
  }
  if (entry.method === 0 && entry.compressedSize !== entry.uncompressedSize) {
    throw invalid(
      name,
      `stored entry ${JSON.stringify(entry.name)} has different compressed and uncompressed sizes`,
    );
  }
  const offset = entry.headerOffset;
  const estimate =
    LOCAL_HEADER_SIZE +
    layout.nameBytes.length +
    layout.centralExtraLength +
    entry.compressedSize +
    LOCAL_EXTRA_SLACK;
  const head = yield { offset, length: Math.min(estimate, layout.limit - offset) };
  const headView = view(head);
  const local = readLocalHeader(headView, 0);
  if (local === undefined) {
    throw invalid(
      name,
      `entry ${JSON.stringify(entry.name)} has no local header at offset ${offset}`,
    );
  }
  const localName = head.subarray(LOCAL_HEADER_SIZE, LOCAL_HEADER_SIZE + local.nameLength);
  if (!sameBytes(localName, layout.nameBytes)) {
    throw invalid(
      name,
      `the local header of entry ${JSON.stringify(entry.name)} names it ${JSON.stringify(Buffer.from(localName).toString("latin1"))}`,
    );
  }
  if ((local.flags & FLAG_ENCRYPTED) !== 0) {
    throw new PuffinError("zip-encrypted", `Cannot read ${what}: it is encrypted`);
  }
  if (local.method !== entry.method) {
    throw invalid(
      name,
      `the local and central headers of entry ${JSON.stringify(entry.name)} disagree on its compression method`,
    );
  }
  const dataStart = LOCAL_HEADER_SIZE + local.nameLength + local.extraLength;
  const dataEnd = dataStart + entry.compressedSize;
  if (offset + dataEnd > layout.limit) {
    throw invalid(name, `the data of entry ${JSON.stringify(entry.name)} overlaps what follows it`);
  }
  const data =
    dataEnd <= head.length
      ? head.subarray(dataStart, dataEnd)
      : yield { offset: offset + dataStart, length: entry.compressedSize };
  const output = entry.method === 0 ? data.slice() : inflate(name, entry, data);
  if (output.length !== entry.uncompressedSize) {
    throw invalid(
      name,
      `entry ${JSON.stringify(entry.name)} has ${output.length} bytes, its header says ${entry.uncompressedSize}`,
    );
  }
  if (crc32(output) !== entry.crc32) {
    throw invalid(name, `entry ${JSON.stringify(entry.name)} fails its CRC-32 check`);
  }
  return output;
}

/** Inflates raw deflate data, never past the declared size (a zip bomb stops there). */
function inflate(name: string, entry: ZipEntry, data: Uint8Array): Uint8Array {
  try {
    // `maxOutputLength` must be at least 1; one byte more than declared is then a size mismatch.
    return inflateRawSync(data, { maxOutputLength: Math.max(1, entry.uncompressedSize) });
  } catch (error) {
    const tooLarge = error instanceof RangeError;
    throw invalid(
      name,
      tooLarge
        ? `entry ${JSON.stringify(entry.name)} inflates to more than the ${entry.uncompressedSize} bytes its header says`
        : `entry ${JSON.stringify(entry.name)} has corrupt deflate data`,
      error,
    );
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
