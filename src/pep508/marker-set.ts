import { Version, VersionRange } from "../pep440/index.ts";
import { nodeFromTree, PYTHON } from "./marker-atoms.ts";
import {
  and,
  type DecisionNode,
  FALSE,
  mapChildren,
  type NodeId,
  nodeOf,
  not,
  or,
  rebuild,
  stringChild,
  TRUE,
  versionNode,
} from "./marker-diagram.ts";
import type { MarkerEnvironment } from "./marker-environment.ts";
import { evaluateNode } from "./marker-evaluation.ts";
import { printMarker } from "./marker-print.ts";
import { MarkerTree } from "./marker-tree.ts";

/**
 * A set of environments, the meaning of a marker, with the algebra a universal resolution needs:
 * `and`, `or`, `not`, emptiness, disjointness and implication are exact and cheap (a canonical
 * decision diagram underneath: `marker-diagram.ts`), and `toString` prints a simplified marker
 * (an `or` of `and`s), as uv prints them.
 *
 * `python_version` comparisons become ranges of `python_full_version`, so
 * `python_version >= '3.9' and python_full_version < '3.9'` is empty. Distinct variables are
 * independent (`sys_platform == 'linux' and platform_system == 'Windows'` is not known to be
 * empty), so emptiness errs only on the side of "may hold".
 *
 * Immutable; equal sets are equal objects' `id`s (`equals`).
 */
export class MarkerSet {
  readonly #id: NodeId;

  private constructor(id: NodeId) {
    this.#id = id;
  }

  static readonly TRUE = new MarkerSet(TRUE);
  static readonly FALSE = new MarkerSet(FALSE);

  /** The environments a marker holds in; no marker: every environment. */
  static from(marker: MarkerTree | undefined): MarkerSet {
    return marker === undefined ? MarkerSet.TRUE : MarkerSet.#of(nodeFromTree(marker.root));
  }

  /** Parses and converts a marker; throws `Pep508Error` like `MarkerTree.parse`. */
  static parse(text: string): MarkerSet {
    return MarkerSet.from(MarkerTree.parse(text));
  }

  /** The Pythons of `range` (of `python_full_version`). */
  static python(range: VersionRange): MarkerSet {
    return MarkerSet.#of(
      versionNode(PYTHON, [
        { range, child: TRUE },
        { range: range.complement(), child: FALSE },
      ]),
    );
  }

  static #of(id: NodeId): MarkerSet {
    if (id === TRUE) return MarkerSet.TRUE;
    if (id === FALSE) return MarkerSet.FALSE;
    return new MarkerSet(id);
  }

  isTrue(): boolean {
    return this.#id === TRUE;
  }

  isFalse(): boolean {
    return this.#id === FALSE;
  }

  equals(other: MarkerSet): boolean {
    return this.#id === other.#id;
  }

  and(other: MarkerSet): MarkerSet {
    return MarkerSet.#of(and(this.#id, other.#id));
  }

  or(other: MarkerSet): MarkerSet {
    return MarkerSet.#of(or(this.#id, other.#id));
  }

  not(): MarkerSet {
    return MarkerSet.#of(not(this.#id));
  }

  isDisjoint(other: MarkerSet): boolean {
    return and(this.#id, other.#id) === FALSE;
  }

  /** Every environment of `this` is in `other`. */
  isSubsetOf(other: MarkerSet): boolean {
    return and(this.#id, not(other.#id)) === FALSE;
  }

  /**
   * The set with `extra` fixed: `extra` as the given (normalized) name, or, for `undefined`,
   * no extra requested (`extra == 'x'` false, `extra != 'x'` true), as in a package's own
   * requirements.
   */
  withExtra(extra: string | undefined): MarkerSet {
    return MarkerSet.#of(
      rebuild(this.#id, (n, visit) =>
        n.kind === "string" && n.variable.key === "extra"
          ? visit(extra === undefined ? n.other : stringChild(n, extra))
          : mapChildren(n, visit),
      ),
    );
  }

  /** The Python versions (`python_full_version`) some environment of the set has. */
  pythonRange(): VersionRange {
    const memo = new Map<NodeId, VersionRange>();
    const visit = (id: NodeId): VersionRange => {
      if (id === TRUE) return VersionRange.full();
      if (id === FALSE) return VersionRange.empty();
      let result = memo.get(id);
      if (result === undefined) {
        const n = nodeOf(id);
        result = VersionRange.empty();
        if (n.kind === "version" && n.variable === PYTHON) {
          n.ranges.forEach((range, i) => {
            result = result!.union(range.intersection(visit(n.children[i]!)));
          });
        } else {
          for (const child of childrenOf(n)) result = result.union(visit(child));
        }
        memo.set(id, result);
      }
      return result;
    };
    return visit(this.#id);
  }

  /**
   * The simplest set that agrees with this one on the Pythons of `python` (`requires-python`):
   * what happens outside it does not matter, so a bound that `python` implies is dropped
   * (`python_version >= '3.8'` under `>=3.9` is true). For printing, not for set algebra.
   */
  simplifyPython(python: VersionRange): MarkerSet {
    const outside = python.complement();
    return MarkerSet.#of(
      rebuild(this.#id, (n, visit) => {
        if (n.kind !== "version" || n.variable !== PYTHON) return mapChildren(n, visit);
        // The Pythons outside `python` join the edge that holds the lowest ones inside it.
        const edges = n.ranges.map((range, i) => ({
          range: range.intersection(python),
          child: visit(n.children[i]!),
        }));
        const first = edges
          .filter((e) => !e.range.isEmpty())
          .sort((a, b) => compareLowest(a.range, b.range))[0];
        if (first !== undefined) first.range = first.range.union(outside);
        return versionNode(PYTHON, edges);
      }),
    );
  }

  /**
   * Whether `env` is in the set, with `extras` requested (it holds when it holds for one of
   * them; with none, `extra` is the empty string, as in packaging).
   */
  evaluate(env: MarkerEnvironment, extras: readonly string[] = []): boolean {
    // Pre-releases count as their final release (see `pythonRange` in `marker-atoms.ts`).
    const python = Version.parse(Version.parse(env.python_full_version).release.join("."));
    return (extras.length === 0 ? [""] : extras).some((extra) => {
      let id = this.#id;
      while (id !== TRUE && id !== FALSE) {
        const n = nodeOf(id);
        if (n.kind === "version") {
          id = n.children[n.ranges.findIndex((range) => range.contains(python))]!;
        } else if (n.kind === "string") {
          const key = n.variable.key;
          id = stringChild(n, key === "extra" ? extra : env[key as keyof MarkerEnvironment]);
        } else {
          const context = { env, extras: extra === "" ? [] : [extra], dependencyGroups: [] };
          id = evaluateNode(n.variable.expression!, context) === true ? n.high : n.low;
        }
      }
      return id === TRUE;
    });
  }

  /**
   * The set as a marker: an `or` of `and`s, each `and` one path of the diagram to "true", with
   * a `python_full_version` range said with `python_version` where its bounds are minor
   * versions (`python_version >= '3.9'`, `python_full_version >= '3.9.1'`), and a string
   * variable as `==` (the values that lead on) or as `!=` (the others). The empty string for
   * every environment; `MarkerSet.FALSE` prints as a marker that never holds.
   */
  toString(): string {
    if (this.#id === TRUE) return "";
    if (this.#id === FALSE) return "python_version < '0'";
    return printMarker(this.#id);
  }

  /**
   * A marker for this set that is exact within `care` (environments outside it do not matter):
   * what `care` already says is left out, so with `care` = Linux, `sys_platform == 'linux' and
   * python_version < '3.12'` prints `python_version < '3.12'`; empty when `care` is a subset.
   */
  toStringWithin(care: MarkerSet): string {
    return printMarker(this.#id, care.#id);
  }

  /** The marker as a `MarkerTree`, or `undefined` for every environment. */
  toTree(): MarkerTree | undefined {
    return this.#id === TRUE ? undefined : MarkerTree.parse(this.toString());
  }
}

function childrenOf(n: DecisionNode): readonly NodeId[] {
  if (n.kind === "atom") return [n.high, n.low];
  if (n.kind === "string") return [...n.children, n.other];
  return n.children;
}

function compareLowest(a: VersionRange, b: VersionRange): number {
  const x = a.intervals[0]!.lower;
  const y = b.intervals[0]!.lower;
  if (x === undefined) return y === undefined ? 0 : -1;
  if (y === undefined) return 1;
  return x.compare(y);
}
