// Highly compressible archives for the archive-limit tests: members of zeros whose deflate data is
// one compressed chunk repeated, so that a wheel unpacking to hundreds of megabytes is generated
// in milliseconds, a few hundred kilobytes long, without its uncompressed bytes ever in memory.
import { createHash } from "node:crypto";
import { constants, deflateRawSync } from "node:zlib";
import { crc32 } from "../../src/zip/crc32.ts";
import { coreMetadata, distInfoName } from "./wheel-builder.ts";
import { type DeflatedData, writeZip, type ZipWriterEntry } from "./zip-writer.ts";

const CHUNK = 1 << 20;
const zeros = Buffer.alloc(CHUNK);

/** `size` zero bytes as raw deflate data, with their CRC-32 and RECORD hash. */
export interface DeflatedZeros extends DeflatedData {
  /** `sha256=<urlsafe base64>` of the uncompressed bytes, as RECORD writes it. */
  readonly recordHash: string;
}

/**
 * Raw deflate data for `size` zero bytes: each 1 MiB is compressed once with a full flush (which
 * ends byte-aligned and resets the window, so copies of it can follow one another), the stream
 * closed by an empty final block.
 */
export function deflatedZeros(size: number): DeflatedZeros {
  const full = Math.floor(size / CHUNK);
  const rest = size - full * CHUNK;
  const block = deflateRawSync(zeros, { finishFlush: constants.Z_FULL_FLUSH });
  const parts: Uint8Array[] = [];
  let crc = 0;
  const sha = createHash("sha256");
  for (let i = 0; i < full; i++) {
    parts.push(block);
    crc = crc32(zeros, crc);
    sha.update(zeros);
  }
  if (rest > 0) {
    const tail = zeros.subarray(0, rest);
    parts.push(deflateRawSync(tail, { finishFlush: constants.Z_FULL_FLUSH }));
    crc = crc32(tail, crc);
    sha.update(tail);
  }
  parts.push(deflateRawSync(Buffer.alloc(0)));
  return {
    data: Buffer.concat(parts),
    size,
    crc32: crc,
    recordHash: `sha256=${sha.digest("base64url")}`,
  };
}

export interface ZeroWheelSpec {
  readonly name: string;
  readonly version: string;
  /** Members of zeros: path in the wheel → size in bytes. */
  readonly zeros: Readonly<Record<string, number>>;
  /** Other files, small. */
  readonly files?: Readonly<Record<string, string>>;
}

/** A valid `py3-none-any` wheel (RECORD right) holding members of zeros. */
export function zeroWheel(spec: ZeroWheelSpec): { filename: string; bytes: Uint8Array } {
  const stem = `${distInfoName(spec.name)}-${spec.version}`;
  const distInfo = `${stem}.dist-info`;
  const entries: ZipWriterEntry[] = [];
  let record = "";
  for (const [name, size] of Object.entries(spec.zeros)) {
    const deflated = deflatedZeros(size);
    entries.push({ name, deflated });
    record += `${name},${deflated.recordHash},${size}\n`;
  }
  const small: Record<string, string> = {
    ...spec.files,
    [`${distInfo}/METADATA`]: coreMetadata(spec),
    [`${distInfo}/WHEEL`]: "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
  };
  for (const [name, text] of Object.entries(small)) {
    const data = Buffer.from(text);
    entries.push({ name, data });
    record += `${name},sha256=${createHash("sha256").update(data).digest("base64url")},${data.length}\n`;
  }
  entries.push({ name: `${distInfo}/RECORD`, data: `${record}${distInfo}/RECORD,,\n` });
  return { filename: `${stem}-py3-none-any.whl`, bytes: writeZip(entries) };
}
