import { createReadStream } from "node:fs";
import { open, readFile } from "node:fs/promises";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { archiveTooLarge, PuffinError } from "../support/index.ts";

/**
 * Compressions of `.tar.*` source distributions that Node.js (`node:zlib`, Node 20) cannot
 * decompress itself: bzip2 (`.tar.bz2`, `.tbz`), xz and legacy LZMA-alone (`.tar.xz`, `.txz`,
 * `.tar.lzma`, `.tlz`), as pip reads them through Python's `bz2` and `lzma` modules.
 */
export type TarCompression = "bzip2" | "xz" | "lzma";

/** The 6-byte magic of the xz container (https://tukaani.org/xz/xz-file-format.txt §2.1.1.1). */
const XZ_MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];

/**
 * Which of xz and LZMA-alone `archive` holds, by its first bytes rather than its extension:
 * Python's `lzma` (`FORMAT_AUTO`), which pip uses for `.tar.xz`, `.txz`, `.tar.lzma` and `.tlz`
 * alike, does the same. LZMA-alone has no magic number, so whatever is not xz is tried as it.
 */
export async function xzOrLzma(archive: string): Promise<"xz" | "lzma"> {
  const file = await open(archive);
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(XZ_MAGIC.length), 0, 6, 0);
    return bytesRead === XZ_MAGIC.length && XZ_MAGIC.every((byte, i) => buffer[i] === byte)
      ? "xz"
      : "lzma";
  } finally {
    await file.close();
  }
}

/**
 * The decompressed bytes of `archive`, in chunks. The decoders are pure JavaScript or
 * WebAssembly, chosen by measurement (see the README) and loaded only here, when such an archive
 * is met, so that nothing is added to startup:
 * - bzip2: `unbzip2-stream`, streaming (one block of at most 900 kB at a time);
 * - xz: `xz-decompress` (xz-embedded compiled to WebAssembly), streaming;
 * - LZMA-alone: `js-lzma`, whole-file (the format is legacy and rare; no streaming decoder was
 *   found), its output gathered in 1 MiB chunks in memory, so it is refused past `lzmaLimit`
 *   bytes (`sdist-too-large`, naming `display`): a small file must not exhaust memory. When the
 *   archive limit `maxSize` is the lower of the two, the decoded tar (headers included) is held
 *   to it instead, and refused as `archive-too-large`, as the tar of any other compression is.
 * The tar inside is counted entry by entry where it is extracted (`sdist-archive.ts`).
 * A truncated or corrupt file makes the iteration throw the decoder's error.
 */
export function decompressedChunks(
  archive: string,
  compression: TarCompression,
  options: { display: string; maxSize?: number; lzmaLimit?: number },
): AsyncIterable<Uint8Array> {
  switch (compression) {
    case "bzip2":
      return bzip2Chunks(archive);
    case "xz":
      return xzChunks(archive);
    case "lzma": {
      const { display, maxSize = Number.POSITIVE_INFINITY, lzmaLimit = LZMA_LIMIT } = options;
      return maxSize < lzmaLimit
        ? lzmaChunks(archive, maxSize, () => archiveTooLarge(display, maxSize))
        : lzmaChunks(archive, lzmaLimit, () => lzmaTooLarge(display, lzmaLimit));
    }
  }
}

async function* bzip2Chunks(archive: string): AsyncGenerator<Uint8Array> {
  const { default: unbzip2 } = await import("unbzip2-stream");
  // A `through` stream: `write` decodes every complete block at once and emits its bytes
  // synchronously, so they are collected here and handed on after each compressed chunk.
  const decoder = unbzip2();
  const decoded: Uint8Array[] = [];
  const failure: { error?: unknown } = {};
  decoder.on("data", (chunk: Uint8Array) => decoded.push(chunk));
  decoder.on("error", (error: unknown) => {
    failure.error ??= error;
  });
  const check = () => {
    if ("error" in failure) throw failure.error;
  };
  for await (const chunk of createReadStream(archive)) {
    decoder.write(chunk);
    check();
    yield* decoded.splice(0);
  }
  decoder.end();
  check();
  yield* decoded.splice(0);
}

async function* xzChunks(archive: string): AsyncGenerator<Uint8Array> {
  const xz = await import("xz-decompress");
  // A webpack-built CommonJS module: Node's ESM loader finds no named export in it, so the class
  // is on `default` (as in the esbuild bundle); tsx, which runs the tests, exposes it by name.
  const { XzReadableStream } = xz.default ?? xz;
  const compressed = Readable.toWeb(createReadStream(archive)) as WebReadableStream<Uint8Array>;
  const stream = new XzReadableStream(compressed as unknown as ReadableStream<Uint8Array>);
  yield* Readable.fromWeb(stream as unknown as WebReadableStream<Uint8Array>);
}

const LZMA_CHUNK = 1 << 20;

/** The most an LZMA-alone sdist may decompress to (1 GiB): far beyond any real project. */
export const LZMA_LIMIT = 1 << 30;

function lzmaTooLarge(display: string, limit: number): PuffinError {
  return new PuffinError(
    "sdist-too-large",
    `Failed to extract ${display}: its LZMA data decompresses to more than ${limit} bytes`,
    { hint: "LZMA-alone archives are decoded in memory; repack the sdist as .tar.gz or .tar.xz." },
  );
}

async function* lzmaChunks(
  archive: string,
  limit: number,
  tooLarge: () => PuffinError,
): AsyncGenerator<Uint8Array> {
  const { default: lzma } = await import("js-lzma");
  const input = await readFile(archive);
  const decoded: Uint8Array[] = [];
  let chunk = new Uint8Array(LZMA_CHUNK);
  let length = 0;
  let offset = 0;
  let total = 0;
  try {
    lzma.decompressFile(
      {
        size: input.length,
        // The decoder does not check for the end of its input itself: it would go on
        // decoding zeros from a truncated file.
        readByte: () => {
          if (offset >= input.length) throw new Error("unexpected end of the LZMA data");
          return input[offset++] as number;
        },
      },
      {
        writeByte: (byte) => {
          if (++total > limit) throw tooLarge();
          chunk[length++] = byte;
          if (length === LZMA_CHUNK) {
            decoded.push(chunk);
            chunk = new Uint8Array(LZMA_CHUNK);
            length = 0;
          }
        },
      },
    );
  } catch (error) {
    // js-lzma throws strings ("Error in data stream").
    throw error instanceof Error ? error : new Error(String(error));
  }
  decoded.push(chunk.subarray(0, length));
  yield* decoded;
}
