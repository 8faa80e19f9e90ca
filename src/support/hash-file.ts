import { createReadStream } from "node:fs";
import { nodeCrypto } from "./node-crypto.ts";

/** Bytes read at once: few enough reads for a large wheel, little memory. */
const CHUNK_SIZE = 1024 * 1024;

/**
 * Hex digests of the file at `path` with each of `algorithms` (names `node:crypto` knows, such as
 * `sha256`), computed in one streamed read of the file (1 MiB at a time).
 */
export async function hashFile(
  path: string,
  algorithms: readonly string[],
): Promise<Record<string, string>> {
  const { createHash } = nodeCrypto();
  const hashers = algorithms.map((algorithm) => [algorithm, createHash(algorithm)] as const);
  for await (const chunk of createReadStream(path, {
    highWaterMark: CHUNK_SIZE,
  }) as AsyncIterable<Buffer>) {
    for (const [, hasher] of hashers) hasher.update(chunk);
  }
  return Object.fromEntries(
    hashers.map(([algorithm, hasher]) => [algorithm, hasher.digest("hex")]),
  );
}
