import { createHash, type Hash } from "node:crypto";
import { type FileHandle, open } from "node:fs/promises";

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
  readonly #algorithms: readonly string[];
  #hashers: Map<string, Hash>;
  #position = 0;

  private constructor(handle: FileHandle, algorithms: readonly string[]) {
    this.#handle = handle;
    this.#algorithms = algorithms;
    this.#hashers = newHashers(algorithms);
  }

  /** Creates `path` for writing, hashing with each of `algorithms` (names `createHash` knows). */
  static async create(path: string, algorithms: Iterable<string>): Promise<HashingFileSink> {
    const names = [...new Set(algorithms)];
    newHashers(names); // an unknown algorithm fails before the file exists
    return new HashingFileSink(await open(path, "wx"), names);
  }

  async write(chunk: Uint8Array): Promise<void> {
    for (const hasher of this.#hashers.values()) hasher.update(chunk);
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
    this.#hashers = newHashers(this.#algorithms);
  }

  /** The hex digest of what was written, per algorithm (call once, after the download). */
  digests(): Record<string, string> {
    const digests: Record<string, string> = {};
    for (const [algorithm, hasher] of this.#hashers) digests[algorithm] = hasher.digest("hex");
    return digests;
  }

  close(): Promise<void> {
    return this.#handle.close();
  }
}

function newHashers(algorithms: readonly string[]): Map<string, Hash> {
  return new Map(algorithms.map((algorithm) => [algorithm, createHash(algorithm)]));
}
