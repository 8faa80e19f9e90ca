import { closeSync, fstatSync, openSync, read, readSync } from "node:fs";
import { PuffinError } from "../support/index.ts";

/**
 * Random access to the bytes of an archive: a buffer, a local file, or (in the registry client)
 * HTTP range requests. The zip reader asks for few, large reads: the tail, perhaps the central
 * directory, then one read per entry (see `ZIP_TAIL_SIZE`).
 */
export interface ZipSource {
  /** Shown in error messages: a path or a URL (the implementer removes credentials). */
  readonly name: string;
  /** Total size in bytes. */
  readonly size: number;
  /**
   * Exactly `length` bytes from `offset` (the reader never asks beyond `size`). The result may be
   * a view of a buffer the source keeps; the reader does not modify it.
   */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** A source that can also read synchronously (local files and buffers): no promise per read. */
export interface SyncZipSource extends ZipSource {
  readSync(offset: number, length: number): Uint8Array;
}

/** An archive held in memory. */
export class BufferZipSource implements SyncZipSource {
  readonly name: string;
  readonly size: number;
  readonly #bytes: Uint8Array;

  constructor(bytes: Uint8Array, name = "<buffer>") {
    this.#bytes = bytes;
    this.name = name;
    this.size = bytes.length;
  }

  readSync(offset: number, length: number): Uint8Array {
    return this.#bytes.subarray(offset, offset + length);
  }

  read(offset: number, length: number): Promise<Uint8Array> {
    return Promise.resolve(this.readSync(offset, length));
  }
}

export interface FileZipSourceOptions {
  /** What errors call the file (default: its path). */
  readonly name?: string;
  /**
   * Serve small synchronous reads from windows of this many bytes, read ahead: reading every
   * entry of an archive in order (unzipping) then costs one read per window instead of one per
   * entry. Off by default: a reader of one entry (METADATA) wants no more than it asks for.
   */
  readonly readAhead?: number;
}

/**
 * A local file, opened synchronously (an `open` + `fstat`, a few microseconds) and read with
 * positional reads. Call `close()` when done (`using` works too).
 */
export class FileZipSource implements SyncZipSource {
  readonly name: string;
  readonly size: number;
  readonly #fd: number;
  readonly #readAhead: number;
  /** The last window read ahead (never reused: views of it given out stay valid). */
  #window: { offset: number; bytes: Uint8Array } | undefined;
  #closed = false;

  private constructor(name: string, fd: number, size: number, readAhead: number) {
    this.name = name;
    this.#fd = fd;
    this.size = size;
    this.#readAhead = readAhead;
  }

  /** Opens `path`; fs errors (ENOENT, EACCES, EISDIR…) propagate unchanged. */
  static open(path: string, options: FileZipSourceOptions = {}): FileZipSource {
    const fd = openSync(path, "r");
    try {
      return new FileZipSource(
        options.name ?? path,
        fd,
        fstatSync(fd).size,
        options.readAhead ?? 0,
      );
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  readSync(offset: number, length: number): Uint8Array {
    if (length * 2 > this.#readAhead) return this.#read(offset, length);
    let window = this.#window;
    if (
      window === undefined ||
      offset < window.offset ||
      offset + length > window.offset + window.bytes.length
    ) {
      window = { offset, bytes: this.#read(offset, Math.min(this.#readAhead, this.size - offset)) };
      this.#window = window;
    }
    const start = offset - window.offset;
    return window.bytes.subarray(start, start + length);
  }

  #read(offset: number, length: number): Uint8Array {
    const buffer = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.#fd, buffer, done, length - done, offset + done);
      if (n === 0) throw truncated(this.name, offset + done);
      done += n;
    }
    return buffer;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const buffer = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = await new Promise<number>((resolve, reject) =>
        read(this.#fd, buffer, done, length - done, offset + done, (error, bytesRead) =>
          error ? reject(error) : resolve(bytesRead),
        ),
      );
      if (n === 0) throw truncated(this.name, offset + done);
      done += n;
    }
    return buffer;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeSync(this.#fd);
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

function truncated(path: string, at: number): PuffinError {
  return new PuffinError("zip-invalid", `${path} ended at byte ${at} while being read`, {
    hint: "The file was truncated or replaced while Puffin read it",
  });
}
