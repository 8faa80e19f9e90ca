// A small ZIP writer for tests: stored and deflate entries, CRC-32, Unix modes, optional ZIP64
// records, and deliberate damage (`tamper`) so tests can build the hostile archives a reader must
// refuse. Not part of Puffin itself. Format: APPNOTE 6.3.10
// (https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT).
import { deflateRawSync } from "node:zlib";
import { crc32 } from "../../src/zip/crc32.ts";

export interface ZipWriterEntry {
  readonly name: string;
  readonly data?: Uint8Array | string;
  /** `"deflate"` (the default for files) or `"stored"`. */
  readonly method?: "stored" | "deflate";
  /** Unix `st_mode` (type and permission bits); defaults to a regular file 0o644 / dir 0o755. */
  readonly mode?: number;
  /** Write the name as code page 437 bytes without the UTF-8 flag (must then be ASCII or given raw). */
  readonly rawName?: Uint8Array;
  /**
   * Raw deflate data written as is instead of compressing `data` (which is then ignored): large
   * generated members (see `deflatedZeros`) without holding their uncompressed bytes.
   */
  readonly deflated?: DeflatedData;
  /** Damage for hostile-archive tests; each field replaces what would be written. */
  readonly tamper?: ZipTamper;
}

export interface DeflatedData {
  /** Raw deflate stream (method 8). */
  readonly data: Uint8Array;
  /** What it inflates to: byte count and CRC-32. */
  readonly size: number;
  readonly crc32: number;
}

export interface ZipTamper {
  readonly flags?: number;
  readonly method?: number;
  readonly crc32?: number;
  readonly compressedSize?: number;
  readonly uncompressedSize?: number;
  /** The name written in the local header only. */
  readonly localName?: string;
  /** The central directory points at another entry's local header (by index). */
  readonly headerOffsetOf?: number;
}

export interface ZipWriterOptions {
  readonly comment?: string;
  /** Write ZIP64 extra fields for every entry and the ZIP64 end records. */
  readonly zip64?: boolean;
  /** Bytes written before the first entry (a self-extractor stub, say). */
  readonly prefix?: Uint8Array;
  /** The order of the central directory headers (indexes of `entries`); default file order. */
  readonly centralOrder?: readonly number[];
  /** Bytes written after the end record. */
  readonly suffix?: Uint8Array;
}

const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const UTF8_FLAG = 0x800;
/** 1980-01-01 00:00, the earliest DOS date: archives are byte-for-byte reproducible. */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

function bytesOf(data: Uint8Array | string | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  return typeof data === "string" ? Buffer.from(data, "utf8") : data;
}

class ByteSink {
  readonly chunks: Uint8Array[] = [];
  length = 0;
  push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }
  concat(): Uint8Array {
    return Buffer.concat(this.chunks);
  }
}

/** Builds the archive in memory. */
export function writeZip(
  entries: readonly ZipWriterEntry[],
  options: ZipWriterOptions = {},
): Uint8Array {
  const out = new ByteSink();
  if (options.prefix !== undefined) out.push(options.prefix);
  const zip64 = options.zip64 === true;
  const central: Buffer[] = [];
  const offsets: number[] = [];
  for (const entry of entries) {
    offsets.push(out.length);
    const isDirectory = entry.name.endsWith("/");
    const data = bytesOf(entry.data);
    const method = entry.deflated
      ? "deflate"
      : (entry.method ?? (isDirectory ? "stored" : "deflate"));
    const compressed = entry.deflated?.data ?? (method === "deflate" ? deflateRawSync(data) : data);
    const tamper = entry.tamper ?? {};
    const nameBytes = entry.rawName ?? Buffer.from(entry.name, "utf8");
    const utf8 = entry.rawName === undefined && nameBytes.length !== entry.name.length;
    const flags = tamper.flags ?? (utf8 ? UTF8_FLAG : 0);
    const methodCode = tamper.method ?? (method === "deflate" ? 8 : 0);
    const crc = tamper.crc32 ?? entry.deflated?.crc32 ?? crc32(data);
    const compressedSize = tamper.compressedSize ?? compressed.length;
    const uncompressedSize = tamper.uncompressedSize ?? entry.deflated?.size ?? data.length;
    const mode = entry.mode ?? (isDirectory ? S_IFDIR | 0o755 : S_IFREG | 0o644);

    const localName = tamper.localName === undefined ? nameBytes : Buffer.from(tamper.localName);
    const localExtra = zip64 ? zip64Extra([uncompressedSize, compressedSize]) : Buffer.alloc(0);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(zip64 ? 45 : 20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(methodCode, 8);
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(zip64 ? 0xffffffff : compressedSize, 18);
    local.writeUInt32LE(zip64 ? 0xffffffff : uncompressedSize, 22);
    local.writeUInt16LE(localName.length, 26);
    local.writeUInt16LE(localExtra.length, 28);
    out.push(local);
    out.push(localName);
    out.push(localExtra);
    out.push(compressed);

    const headerOffset =
      tamper.headerOffsetOf === undefined ? offsets.at(-1)! : offsets[tamper.headerOffsetOf]!;
    const centralExtra = zip64
      ? zip64Extra([uncompressedSize, compressedSize, headerOffset])
      : Buffer.alloc(0);
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE((3 << 8) | (zip64 ? 45 : 20), 4); // made by Unix
    header.writeUInt16LE(zip64 ? 45 : 20, 6);
    header.writeUInt16LE(flags, 8);
    header.writeUInt16LE(methodCode, 10);
    header.writeUInt16LE(0, 12);
    header.writeUInt16LE(DOS_DATE, 14);
    header.writeUInt32LE(crc, 16);
    header.writeUInt32LE(zip64 ? 0xffffffff : compressedSize, 20);
    header.writeUInt32LE(zip64 ? 0xffffffff : uncompressedSize, 24);
    header.writeUInt16LE(nameBytes.length, 28);
    header.writeUInt16LE(centralExtra.length, 30);
    header.writeUInt16LE(0, 32);
    header.writeUInt16LE(0, 34);
    header.writeUInt16LE(0, 36);
    header.writeUInt32LE(mode * 0x10000 + (isDirectory ? 0x10 : 0), 38);
    header.writeUInt32LE(zip64 ? 0xffffffff : headerOffset, 42);
    central.push(header, Buffer.from(nameBytes), centralExtra);
  }

  const cdOffset = out.length;
  const order = options.centralOrder ?? entries.map((_, i) => i);
  for (const i of order) for (const chunk of central.slice(3 * i, 3 * i + 3)) out.push(chunk);
  const cdSize = out.length - cdOffset;
  if (zip64) {
    const end64Offset = out.length;
    const end64 = Buffer.alloc(56);
    end64.writeUInt32LE(0x06064b50, 0);
    end64.writeBigUInt64LE(44n, 4);
    end64.writeUInt16LE((3 << 8) | 45, 12);
    end64.writeUInt16LE(45, 14);
    end64.writeBigUInt64LE(BigInt(entries.length), 24);
    end64.writeBigUInt64LE(BigInt(entries.length), 32);
    end64.writeBigUInt64LE(BigInt(cdSize), 40);
    end64.writeBigUInt64LE(BigInt(cdOffset), 48);
    out.push(end64);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(end64Offset), 8);
    locator.writeUInt32LE(1, 16);
    out.push(locator);
  }
  const comment = Buffer.from(options.comment ?? "", "utf8");
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(zip64 ? 0xffff : entries.length, 8);
  end.writeUInt16LE(zip64 ? 0xffff : entries.length, 10);
  end.writeUInt32LE(zip64 ? 0xffffffff : cdSize, 12);
  end.writeUInt32LE(zip64 ? 0xffffffff : cdOffset, 16);
  end.writeUInt16LE(comment.length, 20);
  out.push(end);
  out.push(comment);
  if (options.suffix !== undefined) out.push(options.suffix);
  return out.concat();
}

/** A ZIP64 extended information extra field (APPNOTE 4.5.3) holding `values` in order. */
function zip64Extra(values: readonly number[]): Buffer {
  const field = Buffer.alloc(4 + 8 * values.length);
  field.writeUInt16LE(0x0001, 0);
  field.writeUInt16LE(8 * values.length, 2);
  for (const [i, value] of values.entries()) field.writeBigUInt64LE(BigInt(value), 4 + 8 * i);
  return field;
}
