import type { Version } from "./version.ts";
import {
  canonical,
  compareLower,
  compareUpper,
  complementIntervals,
  formatInterval,
  type Interval,
  interval,
  intervalsContain,
  samePoint,
} from "./version-intervals.ts";
import type { VersionSpecifier, VersionSpecifiers } from "./version-specifier.ts";

/**
 * Sets of versions as sorted unions of disjoint intervals: the version sets a PubGrub resolver
 * works with (uv keeps the same thing in `pubgrub::Range<Version>`).
 *
 * Exactness. PEP 440 membership is not plain ordering: `==1.0` and `<=1.0` take `1.0+local`,
 * `<1.0` refuses 1.0's pre-releases, `>1.0` refuses `1.0.post1` and `1.0+local`. Every such rule
 * is expressed here with an exact interval bound, using the fact that some sets of versions have
 * an exact successor in PEP 440 order:
 *
 * - after `V` and all its local versions comes `V.post0.dev0` (or `V.post(N+1).dev0`, or
 *   `V.dev(N+1)` when V has those parts): so `<=V` is `< successor`, `==V` is `[V, successor)`;
 * - after every post-release of a pre-release `1.0a1` comes `1.0a2.dev0`;
 * - after every post-release of a final release `1.0` there is no first version (`1.0.0.0.1`,
 *   `1.0.0.0.0.1`, ... are all above), so `>1.0` is bounded by a sentinel that sorts after
 *   every `1.0.postN` and before everything else above (printed `1.0.post*`).
 *
 * With those bounds, `VersionRange.fromSpecifier(s).contains(v) === s.contains(v)` for every
 * operator except `===`: arbitrary equality compares normalized *strings*, so `===1.0` matches
 * `1.0` but not `1.0.0`, which sorts equal to it. Its range is the interval `[1.0, 1.0]`, a
 * superset; the resolver must check `===` specifiers against each candidate with
 * `VersionSpecifier.contains` (uv has the same gap). Pre-release policy ("no pre-releases
 * unless asked for") is not a set of intervals either; the resolver applies it to candidates,
 * using `VersionSpecifiers.anyPrerelease()`, as uv does.
 *
 * Canonical form: intervals are non-empty, sorted, separated by at least one version, and a
 * lower bound at the smallest version (`>=0.dev0`) is written as unbounded, so two ranges are
 * equal as sets exactly when `equals` says so.
 */

export class VersionRange {
  /** Sorted, disjoint, non-adjacent, non-empty intervals. */
  readonly intervals: readonly Interval[];

  private constructor(intervals: readonly Interval[]) {
    this.intervals = intervals;
  }

  /** The range of intervals in any order, possibly empty or overlapping. */
  private static of(intervals: readonly Interval[]): VersionRange {
    const list = canonical(intervals);
    return list.length === 0 ? VersionRange.EMPTY : new VersionRange(list);
  }

  private static readonly EMPTY = new VersionRange([]);
  private static readonly FULL = new VersionRange([
    { lower: undefined, lowerInclusive: false, upper: undefined, upperInclusive: false },
  ]);

  /** No versions at all. */
  static empty(): VersionRange {
    return VersionRange.EMPTY;
  }

  /** Every version. */
  static full(): VersionRange {
    return VersionRange.FULL;
  }

  /** Exactly `v` (and the versions equal to it in order, like `1.0.0` for `1.0`; no locals). */
  static singleton(v: Version): VersionRange {
    return VersionRange.of([interval(v, true, v, true)]);
  }

  /** `v` and everything above it. */
  static higherThan(v: Version): VersionRange {
    return VersionRange.of([interval(v, true, undefined, false)]);
  }

  /** Everything above `v` (in plain order, so `v+local` and `v.post1` are in). */
  static strictlyHigherThan(v: Version): VersionRange {
    return VersionRange.of([interval(v, false, undefined, false)]);
  }

  /** `v` and everything below it (in plain order, so `v+local` is out). */
  static lowerThan(v: Version): VersionRange {
    return VersionRange.of([interval(undefined, false, v, true)]);
  }

  /** Everything below `v` (in plain order, so `v`'s pre-releases are in). */
  static strictlyLowerThan(v: Version): VersionRange {
    return VersionRange.of([interval(undefined, false, v, false)]);
  }

  /** `[low, high)`. */
  static between(low: Version, high: Version): VersionRange {
    return VersionRange.of([interval(low, true, high, false)]);
  }

  /** The versions a specifier matches (exactly, except for `===`: see the module comment). */
  static fromSpecifier(specifier: VersionSpecifier): VersionRange {
    return new VersionRange(specifier.intervals);
  }

  /** The versions every specifier matches; the full range for no specifiers. */
  static fromSpecifiers(specifiers: VersionSpecifiers): VersionRange {
    let result = VersionRange.full();
    for (const specifier of specifiers.specifiers) {
      result = result.intersection(VersionRange.fromSpecifier(specifier));
      if (result.isEmpty()) break;
    }
    return result;
  }

  isEmpty(): boolean {
    return this.intervals.length === 0;
  }

  isFull(): boolean {
    const only = this.intervals[0];
    return this.intervals.length === 1 && only!.lower === undefined && only!.upper === undefined;
  }

  contains(v: Version): boolean {
    return intervalsContain(this.intervals, v);
  }

  union(other: VersionRange): VersionRange {
    if (this.isEmpty() || other.isFull()) return other;
    if (other.isEmpty() || this.isFull()) return this;
    return VersionRange.of([...this.intervals, ...other.intervals]);
  }

  intersection(other: VersionRange): VersionRange {
    if (this.isEmpty() || other.isFull()) return this;
    if (other.isEmpty() || this.isFull()) return other;
    const a = this.intervals;
    const b = other.intervals;
    const result: Interval[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length && j < b.length) {
      const x = a[i]!;
      const y = b[j]!;
      const lowerFromX = compareLower(x, y) >= 0;
      const upperFromX = compareUpper(x, y) <= 0;
      result.push(
        interval(
          lowerFromX ? x.lower : y.lower,
          lowerFromX ? x.lowerInclusive : y.lowerInclusive,
          upperFromX ? x.upper : y.upper,
          upperFromX ? x.upperInclusive : y.upperInclusive,
        ),
      );
      if (upperFromX) i++;
      else j++;
    }
    return VersionRange.of(result);
  }

  /**
   * Every version from this range's lowest one up: its upper bounds and the gaps between its
   * intervals dropped (`>=3.8,<4` becomes `>=3.8`, `<3.12` every version). Empty stays empty.
   */
  withoutUpperBounds(): VersionRange {
    const first = this.intervals[0];
    if (first === undefined) return this;
    return VersionRange.of([interval(first.lower, first.lowerInclusive, undefined, false)]);
  }

  complement(): VersionRange {
    return new VersionRange(complementIntervals(this.intervals));
  }

  /** Every version of `this` is in `other`. */
  isSubsetOf(other: VersionRange): boolean {
    return this.intersection(other.complement()).isEmpty();
  }

  /** No version is in both. */
  isDisjoint(other: VersionRange): boolean {
    return this.intersection(other).isEmpty();
  }

  /** Set equality (the representation is canonical). */
  equals(other: VersionRange): boolean {
    if (this.intervals.length !== other.intervals.length) return false;
    return this.intervals.every((x, i) => {
      const y = other.intervals[i]!;
      return (
        samePoint(x.lower, y.lower) &&
        x.lowerInclusive === y.lowerInclusive &&
        samePoint(x.upper, y.upper) &&
        x.upperInclusive === y.upperInclusive
      );
    });
  }

  /**
   * For messages and debugging: `*` for every version, `∅` for none, otherwise intervals joined
   * by ` | `. Bounds read as plain PEP 440 *ordering* (`<2.0` includes 2.0's pre-releases,
   * `<=1.0` excludes `1.0+local`), except `==V`, which means what it means in a specifier: V and
   * its local versions. `1.0.post*` is the bound after every post-release of 1.0.
   */
  toString(): string {
    if (this.isEmpty()) return "∅";
    return this.intervals.map(formatInterval).join(" | ");
  }
}
