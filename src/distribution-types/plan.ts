import type { CachedDist } from "./cached-dist.ts";
import type { InstalledDist } from "./installed-dist.ts";
import type { ResolvedDist } from "./resolution.ts";

/** A distribution to install whose wheel is already unzipped in the cache. */
export interface CachedInstall {
  readonly resolved: ResolvedDist;
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
 * What the installer will do, as pure data (printed by `--dry-run`, compared in tests): the
 * environment as it is → the resolution → these five lists.
 *
 * - `cached`: to install from wheels already unzipped in the cache;
 * - `remote`: to download or build first;
 * - `reinstalls`: installed distributions to remove because a resolved one replaces them
 *   (their replacement is in `cached` or `remote`);
 * - `extraneous`: installed distributions the resolution does not name (removed by `sync`
 *   only: `pip install` leaves them);
 * - `unchanged`: installed distributions that already match.
 */
export interface Plan {
  readonly cached: readonly CachedInstall[];
  readonly remote: readonly ResolvedDist[];
  readonly reinstalls: readonly Reinstall[];
  readonly extraneous: readonly InstalledDist[];
  readonly unchanged: readonly InstalledDist[];
}

/** Every installed distribution the plan removes: the replaced ones, then the extraneous ones. */
export function planRemovals(plan: Plan): InstalledDist[] {
  return [...plan.reinstalls.map((r) => r.installed), ...plan.extraneous];
}
