import { createInflateRaw, type InflateRaw, inflateRawSync } from "node:zlib";
import {
  type ArchiveLimits,
  archiveTooLarge,
  archiveTooManyEntries,
  PuffinError,
  redactCredentials,
} from "../support/index.ts";
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
  /**
   * Refuse, when opening, an archive whose entry count (from the end record, before the central
   * directory is read) or whose entries' declared uncompressed sizes in all exceed these:
   * `archive-too-many-entries`, `archive-too-large`. Reading never yields more than an entry
   * declares, so the declared total bounds what reading every entry produces.
   */
  readonly limits?: ArchiveLimits;
}

export interface ZipReadOptions {
  /**
   * Refuse entries whose declared uncompressed size is larger (a zip bomb guard). Inflation never
   * produces more than the declared size in any case.
   */
  readonly maxSize?: number;
}

/**
 * Entries up to this size, compressed and uncompressed, are best read whole (`read`,
 * `readSync`: one read, one `inflateRawSync`); larger ones streamed (`readChunks`), so that
 * memory stays bounded whatever an entry's size. Measured on real wheels (see `bench/unzip.ts`).
 */
export const WHOLE_READ_LIMIT = 4 * 1024 * 1024;

/** How many compressed bytes `readChunks` reads at once. */
const CHUNK_READ_SIZE = 1024 * 1024;
/** The most uncompressed bytes in one chunk `readChunks` yields from a deflate entry. */
const CHUNK_INFLATE_SIZE = 256 * 1024;

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
 * `zip-entry-too-large`, and with `limits` `archive-too-many-entries` and `archive-too-large`.
 * Errors from the source itself (fs, HTTP) propagate unchanged.
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
    const plan = directoryPlan(source.name, source.size, options);
    return new ZipArchive(source, await runAsync(plan, source, undefined));
  }

  static openSync<S extends SyncZipSource>(source: S, options: ZipOpenOptions = {}): ZipArchive<S> {
    const plan = directoryPlan(source.name, source.size, options);
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

  /**
   * The entry's uncompressed bytes in chunks (at most 1 MiB each), read and inflated as they are
   * consumed, so that memory stays bounded whatever the entry's size. The same checks as `read`,
   * as the bytes come: the iteration throws `zip-invalid` as soon as the entry inflates past its
   * declared size, and at the end when it falls short of it or fails its CRC-32; chunks already
   * yielded are then not to be trusted. Stopping the iteration early releases everything.
   */
  async *readChunks(entry: ZipEntry, options: ZipReadOptions = {}): AsyncGenerator<Uint8Array> {
    const name = this.source.name;
    const directory = this.#directory;
    const source = this.source;
    const read = async (request: ReadRequest) =>
      checkedRead(
        name,
        request,
        fromTail(directory, request) ?? (await source.read(request.offset, request.length)),
      );
    const layout = this.#layout(entry);
    const head = await read(headRequest(name, entry, layout, options, false));
    const located = locateData(name, entry, layout, head);
    const chunks =
      entry.method === 0
        ? storedChunks(read, located.offset, entry.compressedSize)
        : inflatedChunks(name, entry, read, located.offset);
    let size = 0;
    let crc = 0;
    for await (const chunk of chunks) {
      size += chunk.length;
      if (size > entry.uncompressedSize) throw inflatesPastSize(name, entry);
      crc = crc32(chunk, crc);
      yield chunk;
    }
    checkOutput(name, entry, size, crc);
  }

  #entryPlan(entry: ZipEntry, options: ZipReadOptions): Plan<Uint8Array> {
    return entryPlan(this.source.name, entry, this.#layout(entry), options);
  }

  #layout(entry: ZipEntry): EntryLayout {
    const layout = this.#directory.layouts.get(entry);
    if (layout === undefined) {
      throw new Error(`${entry.name} is not an entry of ${this.source.name}`);
    }
    return layout;
  }
}

type RangeReader = (request: ReadRequest) => Promise<Uint8Array>;

async function* storedChunks(
  read: RangeReader,
  offset: number,
  length: number,
): AsyncGenerator<Uint8Array> {
  for (let at = offset; at < offset + length; at += CHUNK_READ_SIZE) {
    yield await read({ offset: at, length: Math.min(CHUNK_READ_SIZE, offset + length - at) });
  }
}

/**
 * Inflates `entry`'s data from `offset` with a zlib stream, reading the compressed bytes as the
 * stream asks for them. Errors of the source propagate unchanged; errors of the deflate data are
 * `zip-invalid`.
 */
async function* inflatedChunks(
  name: string,
  entry: ZipEntry,
  read: RangeReader,
  offset: number,
): AsyncGenerator<Uint8Array> {
  const inflater = createInflateRaw({ chunkSize: CHUNK_INFLATE_SIZE });
  const end = offset + entry.compressedSize;
  const failed: { error?: unknown } = {};
  const feed = async () => {
    for (let at = offset; at < end && !inflater.destroyed; at += CHUNK_READ_SIZE) {
      const bytes = await read({ offset: at, length: Math.min(CHUNK_READ_SIZE, end - at) });
      if (!inflater.write(bytes)) await drained(inflater);
    }
    inflater.end();
  };
  feed().catch((error: unknown) => {
    failed.error = error;
    inflater.destroy(error instanceof Error ? error : new Error(String(error)));
  });
  try {
    for await (const chunk of inflater as AsyncIterable<Buffer>) yield chunk;
  } catch (error) {
    if ("error" in failed) throw failed.error;
    throw invalid(name, `entry ${JSON.stringify(entry.name)} has corrupt deflate data`, error);
  } finally {
    inflater.destroy();
  }
}

/** Resolves when `stream` wants more input, or is gone. */
function drained(stream: InflateRaw): Promise<void> {
  if (stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      stream.off("drain", done);
      stream.off("close", done);
      resolve();
    };
    stream.on("drain", done);
    stream.on("close", done);
  });
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

function* directoryPlan(name: string, size: number, options: ZipOpenOptions): Plan<Directory> {
  const tailSize = options.tailSize ?? ZIP_TAIL_SIZE;
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
  const limits = options.limits;
  if (limits !== undefined && entryCount > limits.maxEntries) {
    throw archiveTooManyEntries(redactCredentials(name), limits.maxEntries, entryCount);
  }
  const cd = yield* readRange(tail, tailOffset, cdOffset, cdSize);
  const directory = parseCentralDirectory(name, cd, entryCount, cdOffset);
  if (limits !== undefined) {
    let declared = 0;
    for (const entry of directory.entries) declared += entry.uncompressedSize;
    if (declared > limits.maxSize) {
      throw archiveTooLarge(redactCredentials(name), limits.maxSize, declared);
    }
  }
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

/**
 * Checks what the central directory says of an entry (encryption, method, sizes) and returns
 * the read that starts it: its local header, and with `withData` its data too (one read for a
 * whole entry).
 */
function headRequest(
  name: string,
  entry: ZipEntry,
  layout: EntryLayout,
  options: ZipReadOptions,
  withData: boolean,
): ReadRequest {
  const maxSize = options.maxSize ?? Number.POSITIVE_INFINITY;
  if (entry.encrypted) throw encrypted(name, entry);
  if (entry.method !== 0 && entry.method !== 8) {
    const method = METHOD_NAMES.get(entry.method) ?? "unknown";
    throw new PuffinError(
      "zip-unsupported-method",
      `Cannot read ${describeEntry(name, entry)}: compression method ${entry.method} (${method}) is not supported`,
      { hint: "Puffin reads stored and deflate entries, as wheels use" },
    );
  }
  if (entry.uncompressedSize > maxSize) {
    throw new PuffinError(
      "zip-entry-too-large",
      `Refusing to read ${describeEntry(name, entry)}: it declares ${entry.uncompressedSize} bytes, more than the limit of ${maxSize}`,
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
    (withData ? entry.compressedSize : 0) +
    LOCAL_EXTRA_SLACK;
  return { offset, length: Math.min(estimate, layout.limit - offset) };
}

function describeEntry(name: string, entry: ZipEntry): string {
  return `entry ${JSON.stringify(entry.name)} of ${redactCredentials(name)}`;
}

function encrypted(name: string, entry: ZipEntry): PuffinError {
  return new PuffinError(
    "zip-encrypted",
    `Cannot read ${describeEntry(name, entry)}: it is encrypted`,
  );
}

/** Where an entry's data starts, and the data itself when `head` (read at the entry) holds it. */
function locateData(name: string, entry: ZipEntry, layout: EntryLayout, head: Uint8Array) {
  const offset = entry.headerOffset;
  const local = readLocalHeader(view(head), 0);
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
  if ((local.flags & FLAG_ENCRYPTED) !== 0) throw encrypted(name, entry);
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
  return {
    offset: offset + dataStart,
    data: dataEnd <= head.length ? head.subarray(dataStart, dataEnd) : undefined,
  };
}

function* entryPlan(
  name: string,
  entry: ZipEntry,
  layout: EntryLayout,
  options: ZipReadOptions,
): Plan<Uint8Array> {
  const head = yield headRequest(name, entry, layout, options, true);
  const located = locateData(name, entry, layout, head);
  const data = located.data ?? (yield { offset: located.offset, length: entry.compressedSize });
  const output = entry.method === 0 ? data.slice() : inflate(name, entry, data);
  checkOutput(name, entry, output.length, crc32(output));
  return output;
}

/** The size and CRC-32 of an entry's output must be the ones its header gives. */
function checkOutput(name: string, entry: ZipEntry, size: number, crc: number): void {
  if (size !== entry.uncompressedSize) {
    throw invalid(
      name,
      `entry ${JSON.stringify(entry.name)} has ${size} bytes, its header says ${entry.uncompressedSize}`,
    );
  }
  if (crc !== entry.crc32) {
    throw invalid(name, `entry ${JSON.stringify(entry.name)} fails its CRC-32 check`);
  }
}

function inflatesPastSize(name: string, entry: ZipEntry): PuffinError {
  return invalid(
    name,
    `entry ${JSON.stringify(entry.name)} inflates to more than the ${entry.uncompressedSize} bytes its header says`,
  );
}

/** Inflates raw deflate data, never past the declared size (a zip bomb stops there). */
function inflate(name: string, entry: ZipEntry, data: Uint8Array): Uint8Array {
  try {
    // `maxOutputLength` must be at least 1; one byte more than declared is then a size mismatch.
    return inflateRawSync(data, { maxOutputLength: Math.max(1, entry.uncompressedSize) });
  } catch (error) {
    // zlib's own message ("Cannot create a Buffer larger than …") adds nothing for a user.
    if (error instanceof RangeError) throw inflatesPastSize(name, entry);
    throw invalid(name, `entry ${JSON.stringify(entry.name)} has corrupt deflate data`, error);
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
