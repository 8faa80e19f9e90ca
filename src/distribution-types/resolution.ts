import type { ExtraName, PackageName } from "../normalize/index.ts";
import type { Version } from "../pep440/index.ts";
import type { Dist } from "./dist.ts";

/** One package of a resolution: the distribution chosen for it, and why it is there. */
export interface ResolvedDist {
  readonly dist: Dist;
  readonly version: Version;
  /** Named by one of the user's requirements: gets `REQUESTED` (PEP 376) when installed. */
  readonly requested: boolean;
  /** The extras some requirement asked for, sorted. */
  readonly extras: readonly ExtraName[];
  /** The packages of the resolution that depend on it, sorted (for `# via` annotations). */
  readonly dependents: readonly PackageName[];
}

/**
 * The resolver's output and the installer's input: one distribution per package name, with the
 * file chosen for the target (a registry wheel or sdist, or the located direct reference).
 * Iterates in name order.
 */
export class Resolution implements Iterable<ResolvedDist> {
  readonly #byName: ReadonlyMap<PackageName, ResolvedDist>;

  constructor(dists: Iterable<ResolvedDist>) {
    const sorted = [...dists].sort((a, b) =>
      a.dist.name < b.dist.name ? -1 : a.dist.name > b.dist.name ? 1 : 0,
    );
    this.#byName = new Map(sorted.map((resolved) => [resolved.dist.name, resolved]));
  }

  get size(): number {
    return this.#byName.size;
  }

  get(name: PackageName): ResolvedDist | undefined {
    return this.#byName.get(name);
  }

  [Symbol.iterator](): Iterator<ResolvedDist> {
    return this.#byName.values();
  }
}
