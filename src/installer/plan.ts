import { canonicalCacheUrl } from "../cache/index.ts";
import {
  type CachedDist,
  type CachedInstall,
  type Dist,
  directoryUrl,
  type InstalledDist,
  isEditable,
  type Plan,
  type Reinstall,
  type ReinstallReason,
  type Resolution,
  type ResolvedDist,
} from "../distribution-types/index.ts";
import type { PackageName } from "../normalize/index.ts";

export interface PlanOptions {
  /** `--reinstall`: every resolved distribution is installed again. */
  readonly reinstall?: boolean;
  /** `--reinstall-package`: these are installed again. */
  readonly reinstallPackages?: readonly PackageName[];
  /** `pip sync`: what the resolution does not name is removed (else it is left alone). */
  readonly removeExtraneous?: boolean;
}

/**
 * What must change for the environment to hold `resolution` (pure; no I/O):
 *
 * - installed with the same version and a matching source → `unchanged`;
 * - otherwise installed → `reinstalls` (the reason says why: another version, another URL or
 *   commit, a local source modified since it was installed, a change between editable and not,
 *   `--reinstall`, or another copy of the same name being installed too), and the resolved one
 *   is installed;
 * - not installed → installed;
 * - installed but not resolved → `extraneous` (only with `removeExtraneous`).
 *
 * Every installed copy of a resolved name that does not match is reinstalled (duplicates are
 * cleaned up); a name installed twice where one copy matches is still reinstalled, so the
 * environment ends with one copy.
 */
export interface EnvironmentDiff {
  readonly install: readonly ResolvedDist[];
  readonly reinstalls: readonly Reinstall[];
  readonly extraneous: readonly InstalledDist[];
  readonly unchanged: readonly InstalledDist[];
}

export function diffEnvironment(
  resolution: Resolution,
  installed: readonly InstalledDist[],
  options: PlanOptions = {},
): EnvironmentDiff {
  const byName = new Map<PackageName, InstalledDist[]>();
  for (const dist of installed) {
    const list = byName.get(dist.name);
    if (list === undefined) byName.set(dist.name, [dist]);
    else list.push(dist);
  }
  const forced = new Set(options.reinstallPackages ?? []);
  const install: ResolvedDist[] = [];
  const reinstalls: Reinstall[] = [];
  const unchanged: InstalledDist[] = [];
  for (const resolved of resolution) {
    const { name } = resolved.dist;
    const copies = byName.get(name) ?? [];
    const requested = options.reinstall === true || forced.has(name);
    if (copies.length === 1 && !requested) {
      const reason = mismatch(resolved, copies[0]!);
      if (reason === undefined) {
        unchanged.push(copies[0]!);
        continue;
      }
      reinstalls.push({ installed: copies[0]!, reason });
    } else {
      for (const copy of copies) {
        reinstalls.push({
          installed: copy,
          reason: requested ? "requested" : (mismatch(resolved, copy) ?? "duplicate"),
        });
      }
    }
    install.push(resolved);
  }
  const extraneous =
    options.removeExtraneous === true
      ? installed.filter((dist) => resolution.get(dist.name) === undefined)
      : [];
  return { install, reinstalls, extraneous, unchanged };
}

/**
 * The plan: the diff, with what it installs split by whether its wheel is already unzipped in
 * the cache (`cached`, looked up by the caller for `diff.install`) or must be downloaded or
 * built first (pure).
 */
export function plan(diff: EnvironmentDiff, cached: ReadonlyMap<PackageName, CachedDist>): Plan {
  const fromCache: CachedInstall[] = [];
  const remote: ResolvedDist[] = [];
  for (const resolved of diff.install) {
    const wheel = cached.get(resolved.dist.name);
    if (wheel?.filename.version.equals(resolved.version)) {
      fromCache.push({ resolved, cached: wheel });
    } else {
      remote.push(resolved);
    }
  }
  return {
    cached: fromCache,
    remote,
    reinstalls: diff.reinstalls,
    extraneous: diff.extraneous,
    unchanged: diff.unchanged,
  };
}

/** Why `installed` does not satisfy `resolved`, or `undefined` when it does. */
function mismatch(resolved: ResolvedDist, installed: InstalledDist): ReinstallReason | undefined {
  if (!installed.version.equals(resolved.version)) return "version";
  const dist: Dist = resolved.dist;
  const direct = installed.directUrl;
  switch (dist.kind) {
    case "registry-wheel":
    case "registry-sdist":
      // A copy installed from a URL or path is not what the index serves (uv and pip agree).
      if (direct === undefined) return undefined;
      return direct.kind === "dir" && direct.editable ? "editable" : "source";
    case "url-wheel":
    case "url-sdist":
      return direct?.kind === "archive" && sameUrl(direct.url, dist.url.url.href)
        ? undefined
        : "source";
    case "git":
      return direct?.kind === "vcs" &&
        sameUrl(direct.url, dist.git.directUrl.url) &&
        direct.commitId === dist.git.commit
        ? undefined
        : "source";
    case "path-wheel":
    case "path-sdist":
    case "directory": {
      const wantEditable = isEditable(dist);
      if (direct === undefined) return "source";
      const installedEditable = direct.kind === "dir" && direct.editable;
      if (installedEditable !== wantEditable) return "editable";
      const url = dist.kind === "directory" ? directoryUrl(dist.url) : dist.url.url.href;
      if (!sameUrl(direct.url, url)) return "source";
      return dist.modifiedMs > installed.installedAtMs ? "stale" : undefined;
    }
  }
}

/** URLs compared the way the cache keys them (credentials, fragment and trailing `/` aside). */
function sameUrl(a: string, b: string): boolean {
  return canonicalCacheUrl(a) === canonicalCacheUrl(b);
}
