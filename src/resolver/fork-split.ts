import type { PackageName } from "../normalize/index.ts";
import type { VersionRange } from "../pep440/index.ts";
import { MarkerSet, possibleEnvironments } from "../pep508/index.ts";
import type { ResolutionMode } from "./options.ts";

/**
 * Thrown by the solver of a universal resolution's fork when requirements call for different
 * resolutions in different parts of it: the fork is resolved again as `forks`, which are
 * disjoint and cover it. Never reaches callers of `resolveUniversal`.
 */
export class ForkSplit extends Error {
  readonly forks: readonly MarkerSet[];

  constructor(forks: readonly MarkerSet[]) {
    super("the resolution forks");
    this.forks = forks;
  }
}

/** A requirement about to be added, as `splitFork` sees it. */
export type ForkEdge = {
  readonly to: { readonly name: PackageName };
  readonly marker: MarkerSet;
  /** The versions it allows (counted for the order of the parts when bounded above). */
  readonly range?: VersionRange | undefined;
};

/**
 * Where a fork must split before a package's requirements are added, as uv forks:
 * - on the markers of requirements on one package that differ (`a>=2 ; sys_platform ==
 *   'linux'` and `a<2 ; sys_platform == 'darwin'`), so each part sees one combination of them;
 * - on a requirement whose marker raises the lowest Python of the fork
 *   (`b ; python_version >= '3.10'` in a fork from 3.8), so that the part from 3.10 may choose
 *   versions of `b` that need 3.10.
 * A marker that covers the fork or misses it (among the environments that can exist:
 * `possibleEnvironments`) splits nothing. Returns the parts (two or more, disjoint, covering
 * `fork`) in the order they are to be solved (see `orderForks`), or `undefined` when the fork
 * can stay whole.
 */
export function splitFork(
  fork: MarkerSet,
  edges: readonly ForkEdge[],
  resolution: ResolutionMode = "highest",
): MarkerSet[] | undefined {
  const byName = new Map<PackageName, MarkerSet[]>();
  for (const { to, marker } of edges) {
    const list = byName.get(to.name) ?? [];
    if (!list.some((m) => m.equals(marker))) list.push(marker);
    byName.set(to.name, list);
  }
  // Where the fork's environments can exist: a marker covers or misses the fork within it.
  const real = fork.and(possibleEnvironments());
  const lowest = fork.pythonRange().intervals[0]?.lower;
  const splits: MarkerSet[] = [];
  // Packages in name order, each one's markers in the order they are written: the order uv
  // splits in, which decides the order of the parts.
  const names = [...byName.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const name of names) {
    const markers = byName.get(name)!;
    for (const marker of markers) {
      const part = marker.and(real);
      if (part.isFalse() || part.equals(real)) continue;
      const raisesPython = (() => {
        const low = part.pythonRange().intervals[0]?.lower;
        return low !== undefined && (lowest === undefined || low.compare(lowest) > 0);
      })();
      if (markers.length > 1 || raisesPython) splits.push(marker);
    }
  }
  // Each split replaces a part by the part outside the marker, then the part inside it.
  let forks = [fork];
  for (const marker of splits) {
    forks = forks.flatMap((f) =>
      [f.and(marker.not()), f.and(marker)].filter((x) => !x.isDisjoint(real)),
    );
  }
  if (forks.length < 2) return undefined;
  return orderForks(forks, edges, real, resolution);
}

/**
 * uv's default fork strategy ("requires-python"): a version that needs a newer Python than the
 * fork's lowest (`needs`: its `Requires-Python`) splits the fork where that Python begins, when
 * the fork has such Pythons, so that they get this version and the older ones look further.
 * Returns the two parts in the order to solve them, or `undefined` when the fork has no Python
 * that `needs` admits.
 */
export function splitOnPython(
  fork: MarkerSet,
  needs: VersionRange,
  resolution: ResolutionMode,
): MarkerSet[] | undefined {
  const real = fork.and(possibleEnvironments());
  const inside = MarkerSet.python(needs);
  const parts = [fork.and(inside.not()), fork.and(inside)].filter((x) => !x.isDisjoint(real));
  return parts.length < 2 ? undefined : orderForks(parts, [], real, resolution);
}

/**
 * The order to solve the parts in, which decides where forks agree (earlier forks' versions are
 * preferred in later ones); uv's order, which solves the parts from a stack:
 * - by their lowest Python: the highest first, so that each Python gets the newest versions
 *   that support it; with `--resolution lowest`, the lowest first (the fewest versions: what
 *   works on the lowest Python tends to work above it);
 * - then the part with more requirements bounded above (`<2`, `==1.*`) first: a version chosen
 *   under an upper bound may satisfy the other parts, the newest version they would choose
 *   may not satisfy it;
 * - then the parts in the reverse of the order the splits made them: the part inside the last
 *   marker first, the rest of the fork (inside none of them) last.
 */
function orderForks(
  forks: readonly MarkerSet[],
  edges: readonly ForkEdge[],
  real: MarkerSet,
  resolution: ResolutionMode,
): MarkerSet[] {
  const python = (f: MarkerSet) => f.pythonRange().intervals[0]?.lower;
  const bounded = (f: MarkerSet) => {
    const part = f.and(real);
    let count = 0;
    for (const edge of edges) {
      const last = edge.range?.intervals.at(-1);
      if (last?.upper !== undefined && !edge.marker.isDisjoint(part)) count++;
    }
    return count;
  };
  const sign = resolution === "lowest" || resolution === "lowest-direct" ? -1 : 1;
  return forks
    .map((fork, index) => ({ fork, index, python: python(fork), bounded: bounded(fork) }))
    .sort((a, b) => {
      const byPython =
        a.python === undefined || b.python === undefined ? 0 : b.python.compare(a.python) * sign;
      if (byPython !== 0) return byPython;
      return b.bounded - a.bounded || b.index - a.index;
    })
    .map((entry) => entry.fork);
}
