import type { ExtraName } from "../normalize/index.ts";
import {
  type MarkerEnvironment,
  MarkerSet,
  type MarkerTree,
  possibleEnvironments,
} from "../pep508/index.ts";

/**
 * Which requirements apply where a resolution is for, and under which marker: in one
 * environment, a requirement applies or not; in a universal resolution's fork (a set of
 * environments), it applies where its marker meets the fork.
 */
export interface MarkerScope {
  /**
   * The environments where a requirement with `marker` applies, `undefined` when none of this
   * scope's: for a package's own requirements (`extra` undefined) with no extra requested, for
   * an extra's with that extra and not without it (the base package brings the rest).
   */
  applies(marker: MarkerTree | undefined, extra: ExtraName | undefined): MarkerSet | undefined;
}

/** One environment: markers are evaluated. */
export function environmentScope(env: MarkerEnvironment): MarkerScope {
  return {
    applies(marker, extra) {
      if (extra === undefined)
        return (marker?.evaluate(env, []) ?? true) ? MarkerSet.TRUE : undefined;
      if (marker === undefined) return undefined;
      return marker.evaluate(env, [extra]) && !marker.evaluate(env, [])
        ? MarkerSet.TRUE
        : undefined;
    },
  };
}

/**
 * A universal resolution's fork: markers are intersected with it, among the environments that
 * can exist (`possibleEnvironments`: `platform_system == 'Darwin'` misses a Linux fork).
 */
export function forkScope(fork: MarkerSet): MarkerScope {
  const real = fork.and(possibleEnvironments());
  const sets = new WeakMap<MarkerTree, MarkerSet>();
  const setOf = (marker: MarkerTree) => {
    let set = sets.get(marker);
    if (set === undefined) {
      set = MarkerSet.from(marker);
      sets.set(marker, set);
    }
    return set;
  };
  return {
    applies(marker, extra) {
      if (marker === undefined) return extra === undefined ? MarkerSet.TRUE : undefined;
      const set = setOf(marker);
      const without = set.withExtra(undefined);
      const applies = extra === undefined ? without : set.withExtra(extra).and(without.not());
      return applies.isDisjoint(real) ? undefined : applies;
    },
  };
}
