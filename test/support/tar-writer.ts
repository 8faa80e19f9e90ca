// A small ustar writer for tests (POSIX.1-1988 headers; names up to 100 bytes, or 255 split at a
// `/` into prefix and name). Deterministic: fixed mtime, uid/gid 0. Symlinks, hard links and
// `..` names can be written on purpose, for tests of safe extraction.
// https://pubs.opengroup.org/onlinepubs/9699919799/utilities/pax.html#tag_20_92_13_06
import { gzipSync } from "node:zlib";

export interface TarEntry {
  readonly name: string;
  readonly type?: "file" | "directory" | "symlink" | "hardlink";
  readonly data?: string | Uint8Array;
  /** Permission bits; default 0o644 for files, 0o755 for directories. */
  readonly mode?: number;
  /** The target of a link. */
  readonly linkname?: string;
}

const BLOCK = 512;
const TYPE_FLAGS = { file: "0", hardlink: "1", symlink: "2", directory: "5" } as const;
/** 2020-01-01T00:00:00Z: a fixed mtime keeps archives reproducible. */
const MTIME = 1577836800;

function octal(header: Buffer, value: number, offset: number, width: number): void {
  header.write(value.toString(8).padStart(width - 1, "0") + "\0", offset, width, "ascii");
}

/** Splits a long name into ustar's 155-byte prefix and 100-byte name at a `/`. */
function splitName(name: string): [prefix: string, name: string] {
  if (Buffer.byteLength(name) <= 100) return ["", name];
  for (let i = name.lastIndexOf("/"); i > 0; i = name.lastIndexOf("/", i - 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100) return [prefix, rest];
  }
  throw new Error(`tar name too long for ustar: ${name}`);
}

export function writeTar(entries: readonly TarEntry[]): Uint8Array {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const type = entry.type ?? (entry.name.endsWith("/") ? "directory" : "file");
    const data =
      type === "file"
        ? typeof entry.data === "string"
          ? Buffer.from(entry.data, "utf8")
          : Buffer.from(entry.data ?? new Uint8Array(0))
        : Buffer.alloc(0);
    const header = Buffer.alloc(BLOCK);
    const [prefix, name] = splitName(entry.name);
    header.write(name, 0, 100, "utf8");
    octal(header, entry.mode ?? (type === "directory" ? 0o755 : 0o644), 100, 8);
    octal(header, 0, 108, 8);
    octal(header, 0, 116, 8);
    octal(header, data.length, 124, 12);
    octal(header, MTIME, 136, 12);
    header.write(TYPE_FLAGS[type], 156, 1, "ascii");
    header.write(entry.linkname ?? "", 157, 100, "utf8");
    header.write("ustar\0", 257, 6, "ascii");
    header.write("00", 263, 2, "ascii");
    header.write("root", 265, 32, "ascii");
    header.write("root", 297, 32, "ascii");
    header.write(prefix, 345, 155, "utf8");
    // The checksum is computed with its own field as eight spaces.
    header.fill(" ", 148, 156);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, 8, "ascii");
    blocks.push(header, data);
    const padding = (BLOCK - (data.length % BLOCK)) % BLOCK;
    if (padding > 0) blocks.push(Buffer.alloc(padding));
  }
  blocks.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(blocks);
}

/** `writeTar` compressed with gzip (mtime 0 in the gzip header, as Node writes it). */
export function writeTarGz(entries: readonly TarEntry[]): Uint8Array {
  return gzipSync(writeTar(entries));
}

/**
 * A `.tar.gz` of one empty entry with a raw ustar type flag (`3` a character device, `4` a block
 * device, `6` a FIFO): entries the writer does not otherwise make, for refusal tests.
 */
export function tarWithTypeFlag(name: string, flag: string): Uint8Array {
  const tar = Buffer.from(writeTar([{ name, data: "" }]));
  tar.write(flag, 156, 1, "ascii");
  tar.fill(" ", 148, 156);
  let sum = 0;
  for (const byte of tar.subarray(0, BLOCK)) sum += byte;
  tar.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8, "ascii");
  return gzipSync(tar);
}
