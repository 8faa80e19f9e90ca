import { type FileHandle, open } from "node:fs/promises";
import { StreamHasher } from "../pypi-types/index.ts";

/**
 * Where `HttpClient.download` puts a body: `write` gets the chunks in order. A transfer that
 * breaks off is resumed where it stopped when the server allows it (a range request guarded by
 * `If-Range`), so `write` simply continues; when it cannot be (the server ignores `Range`, or
 * the file changed), `reset` is called and the body is written again from its first byte: a
 * sink must then forget everything written before, hashes included.
 *
 * An error thrown by the sink (a full disk) ends the download at once; it is not retried.
 */
export interface DownloadSink {
  write(chunk: Uint8Array): Promise<void> | void;
  reset(): Promise<void> | void;
}

/** What `HttpClient.download` fetched. */
export interface DownloadResult {
  /** The final URL after redirects, without credentials. */
  readonly url: string;
  /** The body's length in bytes. */
  readonly size: number;
}

/**
 * A `DownloadSink` that writes a new file (created exclusively: the path must not exist) and
 * hashes the bytes as they arrive; `reset` empties both. Close it when done, whatever happened.
 */
export class HashingFileSink implements DownloadSink {
  readonly #handle: FileHandle;
  readonly #hasher: StreamHasher;
  #position = 0;

  private constructor(handle: FileHandle, algorithms: readonly string[]) {
    this.#handle = handle;
    this.#hasher = new StreamHasher(algorithms);
  }

  /**
   * Creates `path` for writing, hashing with each of `algorithms` (`hashlib` names, see
   * `StreamHasher`; those Puffin cannot compute are left out).
   */
  static async create(path: string, algorithms: Iterable<string>): Promise<HashingFileSink> {
    return new HashingFileSink(await open(path, "wx"), [...new Set(algorithms)]);
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.#hasher.update(chunk);
    // Positioned writes: after a reset the file offset would otherwise stay where it was.
    let written = 0;
    while (written < chunk.length) {
      const { bytesWritten } = await this.#handle.write(
        chunk,
        written,
        chunk.length - written,
        this.#position + written,
      );
      written += bytesWritten;
    }
    this.#position += chunk.length;
  }

  async reset(): Promise<void> {
    await this.#handle.truncate(0);
    this.#position = 0;
    this.#hasher.reset();
  }

  /** The hex digest of what was written, per algorithm (call once, after the download). */
  digests(): Record<string, string> {
    return this.#hasher.digests();
  }

  close(): Promise<void> {
    return this.#handle.close();
  }
}
