import type { PackageName } from "../normalize/index.ts";
import { type MarkerSet, possibleEnvironments } from "../pep508/index.ts";

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

/**
 * Where a fork must split before a package's requirements are added, as uv forks:
 * - on the markers of requirements on one package that differ (`a>=2 ; sys_platform ==
 *   'linux'` and `a<2 ; sys_platform == 'darwin'`), so each part sees one combination of them;
 * - on a requirement whose marker raises the lowest Python of the fork
 *   (`b ; python_version >= '3.10'` in a fork from 3.8), so that the part from 3.10 may choose
 *   versions of `b` that need 3.10.
 * A marker that covers the fork or misses it (among the environments that can exist:
 * `possibleEnvironments`) splits nothing. Returns the parts (two or more,
 * disjoint, covering `fork`), or `undefined` when the fork can stay whole.
 */
export function splitFork(
  fork: MarkerSet,
  edges: readonly { readonly to: { readonly name: PackageName }; readonly marker: MarkerSet }[],
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
  for (const markers of byName.values()) {
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
  let forks = [fork];
  for (const marker of splits) {
    forks = forks.flatMap((f) =>
      [f.and(marker), f.and(marker.not())].filter((x) => !x.isDisjoint(real)),
    );
  }
  if (forks.length < 2) return undefined;
  return orderForks(forks, splits);
}

/**
 * The order to solve the parts in, which decides where forks agree (earlier forks' versions are
 * preferred in later ones): Pythons from the lowest up (a version that works on the lowest
 * tends to work above it, not the other way round); then the parts of later requirements first
 * and the rest of the fork (where none of the splitting markers holds) last, the order uv's
 * stack of forks gives.
 */
function orderForks(forks: readonly MarkerSet[], splits: readonly MarkerSet[]): MarkerSet[] {
  const rank = (f: MarkerSet) => {
    for (let i = splits.length - 1; i >= 0; i--) if (f.isSubsetOf(splits[i]!)) return i;
    return -1;
  };
  const lowest = (f: MarkerSet) => f.pythonRange().intervals[0]?.lower;
  return forks
    .map((fork) => ({ fork, rank: rank(fork), lowest: lowest(fork) }))
    .sort((a, b) => {
      const python =
        a.lowest === undefined || b.lowest === undefined ? 0 : a.lowest.compare(b.lowest);
      return python !== 0 ? python : b.rank - a.rank;
    })
    .map((entry) => entry.fork);
}
