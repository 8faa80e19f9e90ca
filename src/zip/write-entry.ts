import { closeSync, openSync, writeFileSync, writeSync } from "node:fs";
import { WHOLE_READ_LIMIT, type ZipArchive, type ZipEntry } from "./archive.ts";
import type { SyncZipSource } from "./source.ts";

export interface WriteEntryOptions {
  /** The new file's mode (before the umask). */
  readonly mode: number;
  /**
   * Sees every chunk of the entry's bytes, in order, before it is written (to count or hash
   * them); throwing stops the write.
   */
  readonly onChunk?: (chunk: Uint8Array) => void;
}

/**
 * Writes a file entry of `archive` to `path`, which must not exist (`wx`). An entry of at most
 * `WHOLE_READ_LIMIT` bytes is read, inflated and written whole and synchronously, the fastest
 * way for the many small files of a wheel: then the result is `undefined`. A larger one is
 * streamed (`readChunks`), so memory stays bounded whatever its size: then the result is a
 * promise of the file written. (Not an async function: thousands of small entries would each
 * pay for a promise.)
 *
 * The entry's size and CRC-32 are checked as `ZipArchive` reads it; when a check fails after
 * some bytes were written, the file is left as it is, and the caller, which writes into a
 * directory of its own, discards the directory.
 */
export function writeEntry(
  archive: ZipArchive<SyncZipSource>,
  entry: ZipEntry,
  path: string,
  options: WriteEntryOptions,
): Promise<void> | undefined {
  if (entry.compressedSize <= WHOLE_READ_LIMIT && entry.uncompressedSize <= WHOLE_READ_LIMIT) {
    const data = archive.readSync(entry);
    options.onChunk?.(data);
    writeFileSync(path, data, { mode: options.mode, flag: "wx" });
    return undefined;
  }
  return streamEntry(archive, entry, path, options);
}

async function streamEntry(
  archive: ZipArchive<SyncZipSource>,
  entry: ZipEntry,
  path: string,
  options: WriteEntryOptions,
): Promise<void> {
  const fd = openSync(path, "wx", options.mode);
  try {
    for await (const chunk of archive.readChunks(entry)) {
      options.onChunk?.(chunk);
      let done = 0;
      while (done < chunk.length) done += writeSync(fd, chunk, done);
    }
  } finally {
    closeSync(fd);
  }
}
