import type { ExtraName, PackageName } from "../normalize/index.ts";
import type { Version, VersionRange } from "../pep440/index.ts";
import { MarkerSet, possibleEnvironments } from "../pep508/index.ts";
import { log, PuffinError } from "../support/index.ts";
import { ForkSplit } from "./fork-split.ts";
import type { ResolveOptions } from "./options.ts";
import type { DependencyProvider } from "./provider.ts";
import { NoSolutionError } from "./report.ts";
import { resolve, type SolvedPackage, type SolverResult } from "./solver.ts";

/** One package version of a universal resolution, and where it is installed. */
export type UniversalPackage = SolvedPackage & {
  /** The environments (within the resolution's) where it is installed. */
  readonly marker: MarkerSet;
};

export type UniversalResult = {
  /** Sorted by name, then version; one name has several versions only in disjoint markers. */
  readonly packages: readonly UniversalPackage[];
  /** The forks the resolution was made in: disjoint, covering the resolved environments. */
  readonly forks: readonly MarkerSet[];
};

/** A version to prefer where `marker` holds (an earlier universal output's pin). */
export type MarkedPreference = {
  readonly name: PackageName;
  readonly version: Version;
  readonly marker: MarkerSet;
};

export type UniversalOptions = Omit<ResolveOptions, "environment" | "pythonVersion"> & {
  /**
   * Versions tried first, each in the forks its marker meets (an earlier output's pins, so that
   * resolving again changes nothing that need not change); `preferences` hold everywhere.
   */
  readonly markedPreferences?: readonly MarkedPreference[] | undefined;
  /** The Pythons to cover (the lower bound of `requires-python` upward). */
  readonly requiresPython: VersionRange;
  /** Limits the environments to cover (uv's `environments`); default: all of them. */
  readonly environments?: MarkerSet | undefined;
};

/**
 * Universal resolution, as uv does it: one set of pins valid in every environment — every
 * platform, implementation and Python of `requiresPython`. The solver runs on the whole set of
 * environments (a requirement applies where its marker meets it); where requirements call for
 * different versions in different environments, the set is split into disjoint forks
 * (`splitFork`) and each fork is solved on its own, the versions chosen in earlier forks
 * preferred in later ones so that forks differ only where they must. The forks' solutions are
 * then merged: each package version gets the marker of the environments from which it is
 * reached (the fork's marker, narrowed along the requirements' markers from the root).
 *
 * Throws what `resolve` throws; a fork without a solution fails the whole resolution, its
 * `NoSolutionError` naming the fork's marker (`split`) when the fork is not all of it.
 */
export async function resolveUniversal(
  provider: DependencyProvider,
  options: UniversalOptions,
): Promise<UniversalResult> {
  const root = MarkerSet.python(options.requiresPython).and(options.environments ?? MarkerSet.TRUE);
  if (root.isDisjoint(possibleEnvironments())) {
    throw new PuffinError(
      "empty-environments",
      `The environments to resolve for (\`${options.environments}\`) include no Python the resolution supports (${options.requiresPython}) on any platform that exists`,
    );
  }
  const forkPreferences = new Map<PackageName, Version>();
  const solved: { fork: MarkerSet; result: SolverResult }[] = [];
  const pending = [root];
  while (pending.length > 0) {
    const fork = pending.shift()!;
    try {
      const result = await resolve(provider, {
        ...options,
        preferences: preferencesIn(fork, options),
        forkPreferences,
        environment: fork,
        pythonVersion: lowestPython(fork),
      });
      solved.push({ fork, result });
      for (const p of result.packages) {
        if (!forkPreferences.has(p.name)) forkPreferences.set(p.name, p.version);
      }
    } catch (error) {
      // A fork that is not the whole resolution says where it failed.
      if (error instanceof NoSolutionError && !fork.equals(root)) {
        throw error.inSplit(fork.simplifyPython(options.requiresPython).toString());
      }
      if (!(error instanceof ForkSplit)) throw error;
      log.debug(
        () => `Splitting \`${fork}\` into ${error.forks.map((f) => `\`${f}\``).join(", ")}`,
      );
      pending.unshift(...error.forks);
    }
  }
  return { packages: merge(solved), forks: solved.map((s) => s.fork) };
}

/** The preferences of one fork: the plain ones, then the marked ones whose marker meets it. */
function preferencesIn(fork: MarkerSet, options: UniversalOptions): Map<PackageName, Version> {
  const preferences = new Map(options.preferences ?? []);
  const real = fork.and(possibleEnvironments());
  for (const { name, version, marker } of options.markedPreferences ?? []) {
    if (!preferences.has(name) && !marker.isDisjoint(real)) preferences.set(name, version);
  }
  return preferences;
}

/** The lowest Python of a fork (one exists: every fork lies within `requiresPython`). */
function lowestPython(fork: MarkerSet): Version {
  const lowest = fork.pythonRange().intervals[0]?.lower;
  if (lowest === undefined) throw new Error("universal resolution: a fork without a lowest Python");
  return lowest;
}

/** The forks' solutions as one list, each version with the environments it is reached in. */
function merge(solved: readonly { fork: MarkerSet; result: SolverResult }[]): UniversalPackage[] {
  const merged = new Map<
    string,
    {
      package: SolvedPackage;
      marker: MarkerSet;
      dependents: Set<PackageName>;
      extras: Set<ExtraName>;
      direct: boolean;
    }
  >();
  for (const { fork, result } of solved) {
    const reach = reachability(fork, result);
    for (const p of result.packages) {
      const marker = reach.get(p.name) ?? MarkerSet.FALSE;
      if (marker.isFalse()) continue;
      const key = `${p.name} ${p.version} ${p.url?.given ?? ""}`;
      const entry = merged.get(key);
      if (entry === undefined) {
        merged.set(key, {
          package: p,
          marker,
          dependents: new Set(p.dependents),
          extras: new Set(p.extras),
          direct: p.direct,
        });
      } else {
        entry.marker = entry.marker.or(marker);
        for (const d of p.dependents) entry.dependents.add(d);
        for (const e of p.extras) entry.extras.add(e);
        entry.direct ||= p.direct;
      }
    }
  }
  return [...merged.values()]
    .map(({ package: p, marker, dependents, extras, direct }) => ({
      ...p,
      direct,
      extras: [...extras].sort(),
      dependents: [...dependents].sort(),
      marker,
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.version.compare(b.version)));
}

/**
 * The environments in which each package of one fork's solution is installed: reached from the
 * root (which holds in the whole fork) through requirements whose markers hold. A fixpoint over
 * the requirement graph, which may have cycles.
 */
function reachability(fork: MarkerSet, result: SolverResult): Map<PackageName, MarkerSet> {
  const key = (node: { name: PackageName; extra: string | undefined } | undefined) =>
    node === undefined ? "" : node.extra === undefined ? node.name : `${node.name}[${node.extra}]`;
  const reach = new Map<string, MarkerSet>([["", fork]]);
  let changed = true;
  while (changed) {
    changed = false;
    for (const edge of result.edges) {
      const from = reach.get(key(edge.from));
      if (from === undefined) continue;
      const to = key(edge.to);
      const before = reach.get(to) ?? MarkerSet.FALSE;
      const after = before.or(from.and(edge.marker));
      if (!after.equals(before)) {
        reach.set(to, after);
        changed = true;
      }
    }
  }
  const packages = new Map<PackageName, MarkerSet>();
  for (const p of result.packages) packages.set(p.name, reach.get(p.name) ?? MarkerSet.FALSE);
  return packages;
}
