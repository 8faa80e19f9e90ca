import type { CachedDist } from "./cached-dist.ts";
import type { DesiredDist } from "./dist-source.ts";
import type { InstalledDist } from "./installed-dist.ts";

/** A desired distribution whose wheel is already unzipped in the cache. */
export interface CachedInstall {
  readonly dist: DesiredDist;
  readonly cached: CachedDist;
}

/** Why an installed distribution must be replaced. */
export type ReinstallReason =
  | "version"
  | "source"
  | "stale"
  | "editable"
  | "requested"
  /** The name is installed more than once; every copy goes, one is installed. */
  | "duplicate";

/** An installed distribution that the plan removes before installing its replacement. */
export interface Reinstall {
  readonly installed: InstalledDist;
  readonly reason: ReinstallReason;
}

/**
 * What the installer will do, as pure data (printable for `--dry-run`, comparable in tests):
 * the environment as it is → the desired set → these five lists.
 *
 * - `cached`: to install from wheels already unzipped in the cache;
 * - `remote`: to download or build first;
 * - `reinstalls`: installed distributions to uninstall because a desired one replaces them
 *   (their replacement is in `cached` or `remote`);
 * - `extraneous`: installed distributions nobody asked for (only `sync` removes them);
 * - `unchanged`: installed distributions that already match.
 */
export interface Plan {
  readonly cached: readonly CachedInstall[];
  readonly remote: readonly DesiredDist[];
  readonly reinstalls: readonly Reinstall[];
  readonly extraneous: readonly InstalledDist[];
  readonly unchanged: readonly InstalledDist[];
}
