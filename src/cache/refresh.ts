import type { PackageName } from "../normalize/index.ts";

/**
 * What `--refresh` / `--refresh-package NAME` ask for: revalidate cached entries (of every
 * package, or of some) instead of trusting their freshness.
 *
 * `timestamp` is when this run started (milliseconds since the epoch): an entry written at or
 * after it was written by this run and counts as fresh, so a refresh revalidates each entry once
 * rather than on every read.
 */
export type Refresh =
  | { kind: "none" }
  | { kind: "all"; timestamp: number }
  | { kind: "packages"; packages: ReadonlySet<PackageName>; timestamp: number };

export interface RefreshArgs {
  refresh?: boolean;
  refreshPackages?: readonly PackageName[];
}

/** The policy for `--refresh` (all) and `--refresh-package` (repeatable); `all` wins. */
export function refreshFromArgs(args: RefreshArgs, now: number = Date.now()): Refresh {
  if (args.refresh) return { kind: "all", timestamp: now };
  if (args.refreshPackages !== undefined && args.refreshPackages.length > 0) {
    return { kind: "packages", packages: new Set(args.refreshPackages), timestamp: now };
  }
  return { kind: "none" };
}

/**
 * Whether an entry written at `writtenAt` must be revalidated before use. `name` is the package
 * the entry belongs to; entries of no package (flat indexes, interpreters) are refreshed only by
 * `--refresh`.
 */
export function mustRevalidate(
  refresh: Refresh,
  name: PackageName | undefined,
  writtenAt: number,
): boolean {
  switch (refresh.kind) {
    case "none":
      return false;
    case "all":
      return writtenAt < refresh.timestamp;
    case "packages":
      return name !== undefined && refresh.packages.has(name) && writtenAt < refresh.timestamp;
  }
}
