/**
 * The fixed-layout records of a ZIP archive (APPNOTE 6.3.10, sections 4.3.6–4.3.16), read from
 * bytes already fetched. Offsets and sizes are numbers: ZIP64 values above 2^53 are refused.
 * https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT
 */

export const LOCAL_HEADER_SIGNATURE = 0x04034b50;
export const CENTRAL_HEADER_SIGNATURE = 0x02014b50;
export const EOCD_SIGNATURE = 0x06054b50;
export const EOCD64_SIGNATURE = 0x06064b50;
export const EOCD64_LOCATOR_SIGNATURE = 0x07064b50;

export const LOCAL_HEADER_SIZE = 30;
export const CENTRAL_HEADER_SIZE = 46;
export const EOCD_SIZE = 22;
export const EOCD64_SIZE = 56;
export const EOCD64_LOCATOR_SIZE = 20;
/** The largest archive comment (a 16-bit length). */
export const MAX_COMMENT_SIZE = 0xffff;

/** The ZIP64 extended information extra field (APPNOTE 4.5.3). */
const ZIP64_EXTRA_ID = 0x0001;

export function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A 64-bit little-endian value as a number, or `undefined` above `Number.MAX_SAFE_INTEGER`. */
export function getUint64(data: DataView, at: number): number | undefined {
  const value = data.getBigUint64(at, true);
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? undefined : Number(value);
}

/** End of central directory record (4.3.16). */
export interface EndRecord {
  readonly disk: number;
  readonly centralDirectoryDisk: number;
  readonly entriesOnDisk: number;
  readonly entries: number;
  readonly centralDirectorySize: number;
  readonly centralDirectoryOffset: number;
  readonly commentLength: number;
}

export function readEndRecord(data: DataView, at: number): EndRecord {
  return {
    disk: data.getUint16(at + 4, true),
    centralDirectoryDisk: data.getUint16(at + 6, true),
    entriesOnDisk: data.getUint16(at + 8, true),
    entries: data.getUint16(at + 10, true),
    centralDirectorySize: data.getUint32(at + 12, true),
    centralDirectoryOffset: data.getUint32(at + 16, true),
    commentLength: data.getUint16(at + 20, true),
  };
}

/**
 * Where the end record starts in `tail` (the last bytes of the archive): the last signature whose
 * comment ends exactly at the end of the file, so a comment that contains a signature cannot fool
 * it. `-1` when there is none.
 */
export function findEndRecord(tail: Uint8Array): number {
  const data = view(tail);
  const lowest = Math.max(0, tail.length - EOCD_SIZE - MAX_COMMENT_SIZE);
  for (let at = tail.length - EOCD_SIZE; at >= lowest; at--) {
    if (
      tail[at] === 0x50 &&
      data.getUint32(at, true) === EOCD_SIGNATURE &&
      at + EOCD_SIZE + data.getUint16(at + 20, true) === tail.length
    ) {
      return at;
    }
  }
  return -1;
}

/** ZIP64 end of central directory record (4.3.14); `undefined` fields overflow 2^53. */
export interface End64Record {
  readonly disk: number;
  readonly centralDirectoryDisk: number;
  readonly entriesOnDisk: number | undefined;
  readonly entries: number | undefined;
  readonly centralDirectorySize: number | undefined;
  readonly centralDirectoryOffset: number | undefined;
}

export function readEnd64Record(data: DataView, at: number): End64Record {
  return {
    disk: data.getUint32(at + 16, true),
    centralDirectoryDisk: data.getUint32(at + 20, true),
    entriesOnDisk: getUint64(data, at + 24),
    entries: getUint64(data, at + 32),
    centralDirectorySize: getUint64(data, at + 40),
    centralDirectoryOffset: getUint64(data, at + 48),
  };
}

/** A central directory file header (4.3.12), with ZIP64 values already substituted. */
export interface CentralHeader {
  readonly versionMadeBy: number;
  readonly flags: number;
  readonly method: number;
  readonly lastModTime: number;
  readonly lastModDate: number;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly nameBytes: Uint8Array;
  readonly extraLength: number;
  readonly diskStart: number;
  readonly externalAttributes: number;
  readonly localHeaderOffset: number;
  /** Size of the whole header record (fixed part, name, extra, comment). */
  readonly recordSize: number;
}

/**
 * Reads the header at `at`; returns a reason string when it is malformed (bad signature, fields
 * running past `data`, a missing or short ZIP64 extra field).
 */
export function readCentralHeader(
  bytes: Uint8Array,
  data: DataView,
  at: number,
): CentralHeader | string {
  if (at + CENTRAL_HEADER_SIZE > bytes.length) return "the central directory is truncated";
  if (data.getUint32(at, true) !== CENTRAL_HEADER_SIGNATURE) {
    return "a central directory header has a bad signature";
  }
  const nameLength = data.getUint16(at + 28, true);
  const extraLength = data.getUint16(at + 30, true);
  const commentLength = data.getUint16(at + 32, true);
  const recordSize = CENTRAL_HEADER_SIZE + nameLength + extraLength + commentLength;
  if (at + recordSize > bytes.length) return "the central directory is truncated";
  let compressedSize = data.getUint32(at + 20, true);
  let uncompressedSize = data.getUint32(at + 24, true);
  let localHeaderOffset = data.getUint32(at + 42, true);
  let diskStart = data.getUint16(at + 34, true);
  const nameStart = at + CENTRAL_HEADER_SIZE;
  if (
    uncompressedSize === 0xffffffff ||
    compressedSize === 0xffffffff ||
    localHeaderOffset === 0xffffffff ||
    diskStart === 0xffff
  ) {
    // 4.5.3: the ZIP64 field holds, in this order, only the values whose 32-bit field is all ones.
    const extraStart = nameStart + nameLength;
    const zip64 = findExtraField(data, extraStart, extraStart + extraLength, ZIP64_EXTRA_ID);
    if (zip64 === undefined) return "an entry needs a ZIP64 extra field and has none";
    let cursor = zip64.start;
    const next64 = (): number | undefined => {
      const value = cursor + 8 <= zip64.end ? getUint64(data, cursor) : undefined;
      cursor += 8;
      return value;
    };
    const bad = "a ZIP64 extra field is too short or holds a value beyond 2^53";
    if (uncompressedSize === 0xffffffff) {
      const value = next64();
      if (value === undefined) return bad;
      uncompressedSize = value;
    }
    if (compressedSize === 0xffffffff) {
      const value = next64();
      if (value === undefined) return bad;
      compressedSize = value;
    }
    if (localHeaderOffset === 0xffffffff) {
      const value = next64();
      if (value === undefined) return bad;
      localHeaderOffset = value;
    }
    if (diskStart === 0xffff) {
      if (cursor + 4 > zip64.end) return bad;
      diskStart = data.getUint32(cursor, true);
    }
  }
  return {
    versionMadeBy: data.getUint16(at + 4, true),
    flags: data.getUint16(at + 8, true),
    method: data.getUint16(at + 10, true),
    lastModTime: data.getUint16(at + 12, true),
    lastModDate: data.getUint16(at + 14, true),
    crc32: data.getUint32(at + 16, true),
    compressedSize,
    uncompressedSize,
    nameBytes: bytes.subarray(nameStart, nameStart + nameLength),
    extraLength,
    diskStart,
    externalAttributes: data.getUint32(at + 38, true),
    localHeaderOffset,
    recordSize,
  };
}

/** The data range of the extra field `id` within `[start, end)`, if present and well formed. */
function findExtraField(
  data: DataView,
  start: number,
  end: number,
  id: number,
): { start: number; end: number } | undefined {
  let at = start;
  while (at + 4 <= end) {
    const fieldId = data.getUint16(at, true);
    const size = data.getUint16(at + 2, true);
    if (at + 4 + size > end) return undefined;
    if (fieldId === id) return { start: at + 4, end: at + 4 + size };
    at += 4 + size;
  }
  return undefined;
}

/** The variable-length part of a local file header (4.3.7). */
export interface LocalHeader {
  readonly flags: number;
  readonly method: number;
  readonly nameLength: number;
  readonly extraLength: number;
}

export function readLocalHeader(data: DataView, at: number): LocalHeader | undefined {
  if (data.getUint32(at, true) !== LOCAL_HEADER_SIGNATURE) return undefined;
  return {
    flags: data.getUint16(at + 6, true),
    method: data.getUint16(at + 8, true),
    nameLength: data.getUint16(at + 26, true),
    extraLength: data.getUint16(at + 28, true),
  };
}
