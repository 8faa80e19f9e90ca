import type { CachedDist } from "../distribution-types/index.ts";
import { PuffinError } from "../support/index.ts";

/**
 * An unzipped wheel in the cache that no longer holds what unzipping it wrote: its `.dist-info`,
 * `WHEEL` or `RECORD` gone, or a file its RECORD lists (with a hash, outside `.dist-info`)
 * missing. Unzipping publishes a tree whole, so this is damage from outside Puffin (files
 * deleted by hand, a disk error); the install pipeline discards the tree and unzips the wheel
 * again once, and reports this error only if that does not help.
 */
export class DamagedArchiveError extends PuffinError {
  readonly cached: CachedDist;

  constructor(cached: CachedDist, problem: string) {
    super(
      "cache-archive-damaged",
      `The cache's unzipped copy of ${cached.filename.toString()} (${cached.path}) is damaged: ${problem}`,
      { hint: `\`puffin cache clean ${cached.filename.name}\` removes it` },
    );
    this.cached = cached;
  }
}

/** The `DamagedArchiveError` in `error`'s cause chain, if any. */
export function damagedArchiveIn(error: unknown): DamagedArchiveError | undefined {
  const seen = new Set<unknown>();
  for (let at = error; at instanceof Error && !seen.has(at); at = at.cause) {
    seen.add(at);
    if (at instanceof DamagedArchiveError) return at;
  }
  return undefined;
}
