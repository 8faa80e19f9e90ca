import type { PackageName } from "../normalize/index.ts";
import type { Version, VersionRange } from "../pep440/index.ts";
import type { PrereleaseMode, ResolutionMode } from "./options.ts";
import type { Candidate } from "./provider.ts";

export interface CandidateSelectorOptions {
  readonly resolution: ResolutionMode;
  readonly prerelease: PrereleaseMode;
  readonly preferences: ReadonlyMap<PackageName, Version>;
  /**
   * Versions chosen in the forks of a universal resolution solved before this one: tried first
   * where the highest version would be, so that forks agree where they can (never instead of
   * the lowest version that `lowest`/`lowest-direct` ask for).
   */
  readonly forkPreferences: ReadonlyMap<PackageName, Version>;
  /** Names the user requires directly (for `lowest-direct`). */
  readonly direct: ReadonlySet<PackageName>;
  /** Names a top-level requirement asks for with a pre-release specifier (for `explicit`). */
  readonly explicitPrereleases: ReadonlySet<PackageName>;
  /** Versions pinned with `==` at the top level, which may be chosen even when yanked. */
  readonly pins: ReadonlyMap<PackageName, readonly Version[]>;
}

/**
 * Chooses which version of a package to try next within the range the solver allows: the
 * preference when it fits, otherwise the best candidate by the resolution and pre-release modes
 * (see `PrereleaseMode`: stable versions first, pre-releases as a fallback where allowed).
 * Yanked versions are skipped unless pinned with `==` at the top level.
 */
export class CandidateSelector {
  readonly #options: CandidateSelectorOptions;

  constructor(options: CandidateSelectorOptions) {
    this.#options = options;
  }

  /** `candidates` newest first, as the provider lists them. */
  select(
    name: PackageName,
    candidates: readonly Candidate[],
    range: VersionRange,
  ): Candidate | undefined {
    const preferred = this.#options.preferences.get(name);
    if (preferred !== undefined && range.contains(preferred)) {
      const found = candidates.find((c) => c.version.equals(preferred));
      if (found !== undefined && this.#selectable(name, found, true)) return found;
    }
    const lowest = this.prefersLowest(name);
    const forkPreferred = lowest ? undefined : this.#options.forkPreferences.get(name);
    if (forkPreferred !== undefined && range.contains(forkPreferred)) {
      const found = candidates.find((c) => c.version.equals(forkPreferred));
      if (found !== undefined && this.#selectable(name, found, true)) return found;
    }
    if (this.#options.prerelease === "allow") {
      return this.#first(name, candidates, range, lowest, undefined);
    }
    const stable = this.#first(name, candidates, range, lowest, false);
    if (stable !== undefined || !this.allowsPrereleases(name)) return stable;
    return this.#first(name, candidates, range, lowest, true);
  }

  /** Whether the lowest version of `name` is tried first (`lowest`, `lowest-direct` for yours). */
  prefersLowest(name: PackageName): boolean {
    return (
      this.#options.resolution === "lowest" ||
      (this.#options.resolution === "lowest-direct" && this.#options.direct.has(name))
    );
  }

  /** Whether pre-releases of `name` may be chosen at all (possibly only as a fallback). */
  allowsPrereleases(name: PackageName): boolean {
    switch (this.#options.prerelease) {
      case "disallow":
        return false;
      case "explicit":
        return this.#options.explicitPrereleases.has(name);
      default:
        return true;
    }
  }

  /** Whether a yanked version may be chosen: it is pinned with `==` at the top level. */
  isPinned(name: PackageName, version: Version): boolean {
    return this.#options.pins.get(name)?.some((pin) => pin.equals(version)) ?? false;
  }

  /**
   * The first candidate in the walk order; `prerelease` filters by kind when defined. Ranked
   * candidates (`Candidate.rank`, `unsafe-first-match`) are walked one rank at a time, lowest
   * first: a later index's versions are tried only when no version of an earlier one fits.
   */
  #first(
    name: PackageName,
    candidates: readonly Candidate[],
    range: VersionRange,
    lowest: boolean,
    prerelease: boolean | undefined,
  ): Candidate | undefined {
    let lastRank = 0;
    for (const candidate of candidates) lastRank = Math.max(lastRank, candidate.rank ?? 0);
    const n = candidates.length;
    for (let rank = 0; rank <= lastRank; rank++) {
      for (let k = 0; k < n; k++) {
        const candidate = candidates[lowest ? n - 1 - k : k]!;
        if ((candidate.rank ?? 0) !== rank) continue;
        if (prerelease !== undefined && candidate.version.isPrerelease() !== prerelease) continue;
        if (!range.contains(candidate.version)) continue;
        if (this.#selectable(name, candidate, false)) return candidate;
      }
    }
    return undefined;
  }

  #selectable(name: PackageName, candidate: Candidate, preferred: boolean): boolean {
    if (candidate.yanked === true && !this.isPinned(name, candidate.version)) return false;
    if (preferred && candidate.version.isPrerelease()) return this.allowsPrereleases(name);
    return true;
  }
}
