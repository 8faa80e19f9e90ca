import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { open } from "node:fs/promises";

/**
 * Reading an input the user names (a requirements file, `pyproject.toml`, stdin) with a bound on
 * its size: `/dev/zero`, an endless FIFO or a pipe fed forever would otherwise be read until the
 * memory runs out. A regular file larger than the limit is refused from its size, before a byte
 * is read; anything else (a FIFO, `/dev/stdin`, a process substitution `<(…)`, a device) is read
 * in chunks and abandoned as soon as it passes the limit.
 *
 * Each function returns the bytes, or `undefined` when there are more than `limit` of them; the
 * caller says what was too large. Errors of the file system (ENOENT, EACCES…) propagate as Node
 * raised them.
 */

const CHUNK = 64 * 1024;

/** The bytes of the file at `path`, or undefined when it holds more than `limit`. */
export async function readFileUpTo(path: string, limit: number): Promise<Uint8Array | undefined> {
  const handle = await open(path, "r");
  try {
    const info = await handle.stat();
    if (info.isFile() && info.size > limit) return undefined;
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      // One byte more than the limit allows tells "exactly the limit" from "more".
      const buffer = Buffer.allocUnsafe(Math.min(CHUNK, limit + 1 - total));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      chunks.push(buffer.subarray(0, bytesRead));
      total += bytesRead;
      if (total > limit) return undefined;
    }
    return Buffer.concat(chunks, total);
  } finally {
    await handle.close();
  }
}

/** `readFileUpTo`, blocking (for the synchronous readers of project files). */
export function readFileUpToSync(path: string, limit: number): Uint8Array | undefined {
  const fd = openSync(path, "r");
  try {
    const info = fstatSync(fd);
    if (info.isFile() && info.size > limit) return undefined;
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const buffer = Buffer.allocUnsafe(Math.min(CHUNK, limit + 1 - total));
      const bytesRead = readSync(fd, buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      chunks.push(buffer.subarray(0, bytesRead));
      total += bytesRead;
      if (total > limit) return undefined;
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

/**
 * The bytes of a stream (stdin), or undefined as soon as it has given more than `limit`: the
 * rest is not read (the iterator is closed, which destroys a Node stream).
 */
export async function readStreamUpTo(
  stream: AsyncIterable<Uint8Array | string>,
  limit: number,
): Promise<Uint8Array | undefined> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    chunks.push(bytes);
    total += bytes.length;
    if (total > limit) return undefined;
  }
  return Buffer.concat(chunks, total);
}
