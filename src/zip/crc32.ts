import * as zlib from "node:zlib";

/**
 * CRC-32 (ISO-HDLC, the one ZIP uses: reflected polynomial 0xEDB88320) of `data`, continuing
 * from `initial`. Uses `zlib.crc32` (native, Node ≥ 20.15 / 22.2) and falls back to a
 * table-driven implementation on older Node 20 releases.
 */
export const crc32: (data: Uint8Array, initial?: number) => number =
  typeof zlib.crc32 === "function" ? (data, initial = 0) => zlib.crc32(data, initial) : tableCrc32;

let table: Uint32Array | undefined;

/** The portable implementation (exported for its test against the native one). */
export function tableCrc32(data: Uint8Array, initial = 0): number {
  if (table === undefined) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = ~initial >>> 0;
  for (let i = 0; i < data.length; i++) crc = table[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}
