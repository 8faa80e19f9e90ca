import type { WheelFilename } from "../filenames/index.ts";

/**
 * A wheel unzipped in the cache (`archive-v0/<id>/`), ready to be linked into an environment:
 * the tree holds exactly the wheel's files, every one checked against `RECORD`.
 */
export interface CachedDist {
  readonly filename: WheelFilename;
  /** Absolute path of the unzipped tree. */
  readonly path: string;
  /** Hashes of the wheel file it came from (algorithm → hex digest); may be empty. */
  readonly hashes: Readonly<Record<string, string>>;
}
