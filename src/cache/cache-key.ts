import { resolve } from "node:path";

/**
 * A stable short digest for cache paths: the first 16 hex characters (64 bits) of SHA-256.
 * Stable across Puffin versions and platforms: changing it orphans every entry, so it only
 * changes together with the bucket versions.
 */
export function cacheDigest(text: string): string {
  // node:crypto on first use, not at load (see support/node-crypto.ts).
  const { createHash } = process.getBuiltinModule("node:crypto");
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const U64 = 0xffffffffffffffffn;

/**
 * A 16-hex digest that needs no `node:crypto`: 64-bit FNV-1a of the UTF-8 bytes
 * (http://www.isthe.com/chongo/tech/comp/fnv/). Only for entries that record the key they were
 * written for, so that a collision reads as a miss, never as a wrong answer: the interpreter
 * bucket, which `puffin venv` reads on every run without hashing anything else. Stable like
 * `cacheDigest`: it changes only with the bucket's version.
 */
export function fnvDigest(text: string): string {
  let hash = FNV_OFFSET;
  for (const byte of new TextEncoder().encode(text)) {
    hash = ((hash ^ BigInt(byte)) * FNV_PRIME) & U64;
  }
  return hash.toString(16).padStart(16, "0");
}

/**
 * The form of a URL that keys the cache: credentials and the fragment removed (the same index
 * with another token, or a file URL with `#sha256=…`, is the same entry; secrets never reach a
 * file name), scheme and host lowercased and default ports dropped (WHATWG URL does both), and
 * trailing slashes of the path removed (`…/simple` and `…/simple/` are one index). Text that is
 * not an absolute URL is used as given.
 */
export function canonicalCacheUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  const path = parsed.pathname.replace(/\/+$/, "");
  return `${parsed.protocol}//${parsed.host}${path}${parsed.search}`;
}

/** The 16-hex digest of a URL's canonical form. */
export function urlDigest(url: string): string {
  return cacheDigest(canonicalCacheUrl(url));
}

/** Where a package's artifacts come from; decides the source key of its entries. */
export type CacheSource =
  | { kind: "index"; url: string }
  | { kind: "url"; url: string }
  | { kind: "path"; path: string }
  | { kind: "git"; url: string; commit: string };

/**
 * The two path segments that key a source in every per-package bucket (see `bucket.ts`):
 * `index/<digest>`, `url/<digest>`, `path/<digest>` (of the absolute path) or `git/<digest>` (of
 * the repository URL and the commit).
 */
export function sourceKey(source: CacheSource): [string, string] {
  switch (source.kind) {
    case "index":
    case "url":
      return [source.kind, urlDigest(source.url)];
    case "path":
      return ["path", cacheDigest(resolve(source.path))];
    case "git":
      return ["git", cacheDigest(`${canonicalCacheUrl(source.url)}@${source.commit}`)];
  }
}
