import { afterPostReleases, isAfterPostReleases, Version, type VersionParts } from "./version.ts";
import type { Operator, VersionSpecifier, VersionSpecifiers } from "./version-specifier.ts";

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

export type Interval = {
  /** `undefined`: unbounded below. */
  readonly lower: Version | undefined;
  readonly lowerInclusive: boolean;
  /** `undefined`: unbounded above. */
  readonly upper: Version | undefined;
  readonly upperInclusive: boolean;
};

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

/** True when `v` lies in one of the sorted intervals (binary search on the upper bounds). */
export function intervalsContain(intervals: readonly Interval[], v: Version): boolean {
  let low = 0;
  let high = intervals.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (belowUpper(v, intervals[middle]!)) high = middle;
    else low = middle + 1;
  }
  const candidate = intervals[low];
  if (candidate === undefined || candidate.lower === undefined) return candidate !== undefined;
  const c = v.compare(candidate.lower);
  return c > 0 || (c === 0 && candidate.lowerInclusive);
}

function belowUpper(v: Version, x: Interval): boolean {
  if (x.upper === undefined) return true;
  const c = v.compare(x.upper);
  return c < 0 || (c === 0 && x.upperInclusive);
}

/**
 * The intervals of one specifier, per PEP 440 (see the module comment for the bounds). The
 * specifier's version is already validated for its operator by the parser.
 */
export function specifierIntervals(
  operator: Operator,
  v: Version,
  wildcard: boolean,
): readonly Interval[] {
  switch (operator) {
    case "==":
    case "!=": {
      let matching: Interval[];
      if (wildcard) {
        // ==1.2.* is every version whose release starts 1.2: [1.2.dev0, 1.3.dev0).
        const { epoch, release } = v.parts();
        matching = [
          interval(firstOf(epoch, release), true, firstOf(epoch, bumpLast(release)), false),
        ];
      } else if (v.isLocal()) {
        // With a local label only that exact version matches.
        matching = [interval(v, true, v, true)];
      } else {
        // Without one, a candidate's local label is ignored: V and every V+local.
        matching = [interval(v, true, afterLocals(v), false)];
      }
      return operator === "==" ? canonical(matching) : complementIntervals(canonical(matching));
    }
    case ">=":
      return canonical([interval(v, true, undefined, false)]);
    case "<=":
      return canonical([interval(undefined, false, afterLocals(v), false)]);
    case ">": {
      // >V excludes V's local versions and, unless V is itself a post-release, its post-releases.
      const bound = afterPostsOf(v);
      return canonical([interval(bound, !isAfterPostReleases(bound), undefined, false)]);
    }
    case "<": {
      // <V excludes V's pre-releases unless V is itself a pre-release: `<2.0` is `<2.0.dev0`.
      const bound = v.isPrerelease() ? v : Version.create({ ...v.parts(), dev: 0, local: [] });
      return canonical([interval(undefined, false, bound, false)]);
    }
    case "~=": {
      // ~=1.4.2 is >=1.4.2, ==1.4.*: [1.4.2, 1.5.dev0).
      const { epoch, release } = v.parts();
      const prefix = bumpLast(release.slice(0, -1));
      return canonical([interval(v, true, firstOf(epoch, prefix), false)]);
    }
    case "===":
      // A superset: the string comparison is finer than order (see the module comment).
      return canonical([interval(v, true, v, true)]);
  }
}

// ---------------------------------------------------------------------------------------------
// Neighbouring versions

type Num = number | bigint;

function increment(n: Num): Num {
  if (typeof n === "bigint") return n + 1n;
  return n + 1 > Number.MAX_SAFE_INTEGER ? BigInt(n) + 1n : n + 1;
}

function bumpLast(release: readonly Num[]): Num[] {
  return [...release.slice(0, -1), increment(release[release.length - 1]!)];
}

/** The first version of a release: `X.dev0`. */
function firstOf(epoch: Num, release: readonly Num[]): Version {
  return Version.create({ epoch, release, pre: undefined, post: undefined, dev: 0, local: [] });
}

function withParts(v: Version, changes: Partial<VersionParts>): Version {
  return Version.create({ ...v.parts(), local: [], ...changes });
}

/** The first version after `v` (which has no local label) and all its local versions. */
function afterLocals(v: Version): Version {
  const { post, dev } = v.parts();
  if (dev !== undefined) return withParts(v, { dev: increment(dev) });
  if (post !== undefined) return withParts(v, { post: increment(post), dev: 0 });
  return withParts(v, { post: 0, dev: 0 });
}

/**
 * The lower bound of `>V`: the first version after V's local versions and, when V is neither a
 * post- nor a dev-release, after its post-releases too (a sentinel for a final release).
 */
function afterPostsOf(v: Version): Version {
  const { pre, post, dev } = v.parts();
  if (dev !== undefined || post !== undefined) return afterLocals(v);
  if (pre !== undefined) {
    return withParts(v, { pre: { kind: pre.kind, number: increment(pre.number) }, dev: 0 });
  }
  return afterPostReleases(v);
}

// ---------------------------------------------------------------------------------------------
// Interval algebra

function interval(
  lower: Version | undefined,
  lowerInclusive: boolean,
  upper: Version | undefined,
  upperInclusive: boolean,
): Interval {
  return { lower, lowerInclusive, upper, upperInclusive };
}

/**
 * `x` with canonical bounds, or `undefined` when it holds no version. A sentinel bound is never
 * inclusive (it is not a version); a lower bound `>=0.dev0` is the unbounded one; an upper bound
 * `<0.dev0` leaves nothing.
 */
function canonicalInterval(x: Interval): Interval | undefined {
  let { lower, lowerInclusive, upper, upperInclusive } = x;
  if (lower !== undefined && isAfterPostReleases(lower)) lowerInclusive = false;
  if (upper !== undefined && isAfterPostReleases(upper)) upperInclusive = false;
  if (lower !== undefined && lowerInclusive && lower.compare(Version.MIN) === 0) {
    lower = undefined;
    lowerInclusive = false;
  }
  if (lower === undefined) lowerInclusive = false;
  if (upper === undefined) {
    upperInclusive = false;
  } else {
    if (!upperInclusive && upper.compare(Version.MIN) <= 0) return undefined;
    if (lower !== undefined) {
      const c = lower.compare(upper);
      if (c > 0 || (c === 0 && !(lowerInclusive && upperInclusive))) return undefined;
    }
  }
  return { lower, lowerInclusive, upper, upperInclusive };
}

/** Sorts, merges overlapping and touching intervals, drops empty ones. */
function canonical(intervals: readonly Interval[]): Interval[] {
  const list: Interval[] = [];
  for (const x of intervals) {
    const y = canonicalInterval(x);
    if (y !== undefined) list.push(y);
  }
  if (list.length <= 1) return list;
  list.sort(compareLower);
  const merged: Interval[] = [list[0]!];
  for (let i = 1; i < list.length; i++) {
    const next = list[i]!;
    const current = merged[merged.length - 1]!;
    if (touches(current, next)) {
      if (compareUpper(next, current) > 0) {
        merged[merged.length - 1] = {
          ...current,
          upper: next.upper,
          upperInclusive: next.upperInclusive,
        };
      }
    } else {
      merged.push(next);
    }
  }
  return merged;
}

/** `next` starts before `current` ends, or right where it ends with no version in between. */
function touches(current: Interval, next: Interval): boolean {
  if (current.upper === undefined || next.lower === undefined) return true;
  const c = next.lower.compare(current.upper);
  if (c !== 0) return c < 0;
  return current.upperInclusive || next.lowerInclusive || isAfterPostReleases(next.lower);
}

/** The gaps between canonical intervals, and before the first and after the last. */
function complementIntervals(intervals: readonly Interval[]): Interval[] {
  const result: Interval[] = [];
  let lower: Version | undefined;
  let lowerInclusive = false;
  let open = true; // whether a gap is still running to the right of `lower`
  for (const x of intervals) {
    if (x.lower !== undefined) {
      result.push(interval(lower, lowerInclusive, x.lower, !x.lowerInclusive));
    }
    if (x.upper === undefined) {
      open = false;
      break;
    }
    lower = x.upper;
    lowerInclusive = !x.upperInclusive;
  }
  if (open) result.push(interval(lower, lowerInclusive, undefined, false));
  return canonical(result);
}

/** Orders intervals by lower bound: unbounded first, then an inclusive bound before an exclusive one. */
function compareLower(x: Interval, y: Interval): number {
  if (x.lower === undefined) return y.lower === undefined ? 0 : -1;
  if (y.lower === undefined) return 1;
  const c = x.lower.compare(y.lower);
  if (c !== 0) return c;
  return x.lowerInclusive === y.lowerInclusive ? 0 : x.lowerInclusive ? -1 : 1;
}

/** Orders intervals by upper bound: an exclusive bound before an inclusive one, unbounded last. */
function compareUpper(x: Interval, y: Interval): number {
  if (x.upper === undefined) return y.upper === undefined ? 0 : 1;
  if (y.upper === undefined) return -1;
  const c = x.upper.compare(y.upper);
  if (c !== 0) return c;
  return x.upperInclusive === y.upperInclusive ? 0 : x.upperInclusive ? 1 : -1;
}

function samePoint(a: Version | undefined, b: Version | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.compare(b) === 0;
}

function formatInterval(x: Interval): string {
  if (x.lower === undefined && x.upper === undefined) return "*";
  if (
    x.lower !== undefined &&
    x.upper !== undefined &&
    x.lowerInclusive &&
    (x.lower.isLocal()
      ? x.upperInclusive && x.upper.compare(x.lower) === 0
      : !x.upperInclusive && x.upper.compare(afterLocals(x.lower)) === 0)
  ) {
    return `==${x.lower}`;
  }
  const parts: string[] = [];
  if (x.lower !== undefined) parts.push(`${x.lowerInclusive ? ">=" : ">"}${x.lower}`);
  if (x.upper !== undefined) parts.push(`${x.upperInclusive ? "<=" : "<"}${x.upper}`);
  return parts.join(", ");
}
