import { createReadStream } from "node:fs";
import { nodeCrypto } from "./node-crypto.ts";

/**
 * Hex digests of the file at `path` with each of `algorithms` (names `node:crypto` knows, such as
 * `sha256`), computed in one read of the file.
 */
export async function hashFile(
  path: string,
  algorithms: readonly string[],
): Promise<Record<string, string>> {
  const { createHash } = nodeCrypto();
  const hashers = algorithms.map((algorithm) => [algorithm, createHash(algorithm)] as const);
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    for (const [, hasher] of hashers) hasher.update(chunk);
  }
  return Object.fromEntries(
    hashers.map(([algorithm, hasher]) => [algorithm, hasher.digest("hex")]),
  );
}
