import { canonicalCacheUrl } from "../cache/index.ts";
import type {
  CachedDist,
  CachedInstall,
  DesiredDist,
  InstalledDist,
  Plan,
  Reinstall,
  ReinstallReason,
} from "../distribution-types/index.ts";
import type { PackageName } from "../normalize/index.ts";

export interface PlanOptions {
  /** `--reinstall`: every desired distribution is installed again. */
  readonly reinstall?: boolean;
  /** `--reinstall-package`: these are installed again. */
  readonly reinstallPackages?: readonly PackageName[];
  /** Wheels already unzipped in the cache, by package: those need no download or build. */
  readonly cached?: ReadonlyMap<PackageName, CachedDist>;
}

/**
 * Compares the desired distributions with the installed ones (pure; no I/O):
 *
 * - installed with the same version and a matching source → `unchanged`;
 * - otherwise installed → `reinstalls` (the reason says why: another version, another URL or
 *   commit, a local source modified since it was installed, a change between editable and not,
 *   `--reinstall`, or another copy of the same name being installed too), and the desired one
 *   is installed (`cached` or `remote`);
 * - not installed → `cached` when its wheel is in the cache, else `remote`;
 * - installed but not desired → `extraneous` (reported; only `sync` removes them).
 *
 * Every installed copy of a desired name that does not match is reinstalled (duplicates are
 * cleaned up); a name installed twice where one copy matches is still reinstalled, so the
 * environment ends with one copy.
 */
export function plan(
  desired: readonly DesiredDist[],
  installed: readonly InstalledDist[],
  options: PlanOptions = {},
): Plan {
  const byName = new Map<PackageName, InstalledDist[]>();
  for (const dist of installed) {
    const list = byName.get(dist.name);
    if (list === undefined) byName.set(dist.name, [dist]);
    else list.push(dist);
  }
  const forced = new Set(options.reinstallPackages ?? []);
  const cached: CachedInstall[] = [];
  const remote: DesiredDist[] = [];
  const reinstalls: Reinstall[] = [];
  const unchanged: InstalledDist[] = [];
  const wanted = new Set<PackageName>();

  for (const dist of desired) {
    wanted.add(dist.name);
    const copies = byName.get(dist.name) ?? [];
    const requested = options.reinstall === true || forced.has(dist.name);
    if (copies.length === 1 && !requested) {
      const reason = mismatch(dist, copies[0]!);
      if (reason === undefined) {
        unchanged.push(copies[0]!);
        continue;
      }
      reinstalls.push({ installed: copies[0]!, reason });
    } else {
      for (const copy of copies) {
        reinstalls.push({
          installed: copy,
          reason: requested ? "requested" : (mismatch(dist, copy) ?? "duplicate"),
        });
      }
    }
    const wheel = options.cached?.get(dist.name);
    if (wheel?.filename.version.equals(dist.version)) {
      cached.push({ dist, cached: wheel });
    } else {
      remote.push(dist);
    }
  }
  const extraneous = installed.filter((dist) => !wanted.has(dist.name));
  return { cached, remote, reinstalls, extraneous, unchanged };
}

/** Why `installed` does not satisfy `desired`, or `undefined` when it does. */
function mismatch(desired: DesiredDist, installed: InstalledDist): ReinstallReason | undefined {
  if (!installed.version.equals(desired.version)) return "version";
  const { source } = desired;
  const direct = installed.directUrl;
  switch (source.kind) {
    case "registry":
      // A copy installed from a URL or path is not what the index serves (uv and pip agree).
      if (direct === undefined) return undefined;
      return direct.kind === "dir" && direct.editable ? "editable" : "source";
    case "url":
      return direct?.kind === "archive" && sameUrl(direct.url, source.url) ? undefined : "source";
    case "git":
      return direct?.kind === "vcs" &&
        sameUrl(direct.url, source.url) &&
        direct.commitId === source.commit
        ? undefined
        : "source";
    case "path":
    case "editable": {
      const wantEditable = source.kind === "editable";
      if (direct === undefined) return "source";
      const isEditable = direct.kind === "dir" && direct.editable;
      if (isEditable !== wantEditable) return "editable";
      if (!sameUrl(direct.url, source.url)) return "source";
      return source.modifiedMs > installed.installedAtMs ? "stale" : undefined;
    }
  }
}

/** URLs compared the way the cache keys them (credentials, fragment and trailing `/` aside). */
function sameUrl(a: string, b: string): boolean {
  return canonicalCacheUrl(a) === canonicalCacheUrl(b);
}
