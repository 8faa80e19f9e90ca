import { afterPostReleases, isAfterPostReleases, Version, type VersionParts } from "./version.ts";

/**
 * The interval algebra under version specifiers and version ranges: one PEP 440 specifier as
 * exact intervals (`specifierIntervals`; see `VersionRange` for why every bound is exact),
 * membership, and the canonical form, complement and comparisons that `VersionRange` builds on.
 * Kept apart from both so that each imports it and neither imports the other.
 */

/** A comparison operator of PEP 440. */
export type Operator = "==" | "!=" | "<=" | ">=" | "<" | ">" | "~=" | "===";

export type Interval = {
  /** `undefined`: unbounded below. */
  readonly lower: Version | undefined;
  readonly lowerInclusive: boolean;
  /** `undefined`: unbounded above. */
  readonly upper: Version | undefined;
  readonly upperInclusive: boolean;
};

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

export function interval(
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
export function canonical(intervals: readonly Interval[]): Interval[] {
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
export function complementIntervals(intervals: readonly Interval[]): Interval[] {
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
export function compareLower(x: Interval, y: Interval): number {
  if (x.lower === undefined) return y.lower === undefined ? 0 : -1;
  if (y.lower === undefined) return 1;
  const c = x.lower.compare(y.lower);
  if (c !== 0) return c;
  return x.lowerInclusive === y.lowerInclusive ? 0 : x.lowerInclusive ? -1 : 1;
}

/** Orders intervals by upper bound: an exclusive bound before an inclusive one, unbounded last. */
export function compareUpper(x: Interval, y: Interval): number {
  if (x.upper === undefined) return y.upper === undefined ? 0 : 1;
  if (y.upper === undefined) return -1;
  const c = x.upper.compare(y.upper);
  if (c !== 0) return c;
  return x.upperInclusive === y.upperInclusive ? 0 : x.upperInclusive ? 1 : -1;
}

export function samePoint(a: Version | undefined, b: Version | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.compare(b) === 0;
}

export function formatInterval(x: Interval): string {
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
