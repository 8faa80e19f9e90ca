import type { Version, VersionRange } from "../pep440/index.ts";
import type { ResolverPackage } from "./package.ts";
import { Term } from "./term.ts";

/**
 * Why an incompatibility holds. External causes are facts about the world (the leaves of the
 * derivation tree the error report explains); `derived` ones were learned by conflict resolution
 * from two earlier incompatibilities.
 */
export type IncompatibilityCause =
  /** The root package must be selected at its one version. */
  | { readonly kind: "root" }
  /** `package` has no (selectable) version in `range`. */
  | {
      readonly kind: "no-versions";
      readonly package: ResolverPackage;
      readonly range: VersionRange;
    }
  /**
   * `package` is not in any index at all; or, with `url`, the distribution its URL requirement
   * names cannot be used (`reason` is then a clause: `is given as …, which …`).
   */
  | {
      readonly kind: "not-found";
      readonly package: ResolverPackage;
      readonly reason: string;
      readonly url?: boolean;
    }
  /** `package==version` exists but cannot be used (no usable file, broken metadata...). */
  | {
      readonly kind: "unavailable";
      readonly package: ResolverPackage;
      readonly version: Version;
      readonly reason: string;
    }
  /** `package` in `range` depends on `dependency` in `dependencyRange`. */
  | {
      readonly kind: "dependency";
      readonly package: ResolverPackage;
      readonly range: VersionRange;
      readonly dependency: ResolverPackage;
      readonly dependencyRange: VersionRange;
      /** The requirements behind it as written: what a report quotes. Absent: say `dependencyRange`. */
      readonly written?: readonly WrittenRequirement[] | undefined;
    }
  | {
      readonly kind: "derived";
      readonly cause1: Incompatibility;
      readonly cause2: Incompatibility;
    };

/** One requirement as its author wrote it, for reports. */
export interface WrittenRequirement {
  /** The version part, normalized, specifiers in their order: `>=2,<3`, ` @ URL`, `` for any. */
  readonly version: string;
  /** Where a top-level requirement was written (`requirements.in:3`); absent: the command line. */
  readonly where?: string | undefined;
}

/** One package's term inside an incompatibility. */
export type PackageTerm = { readonly package: ResolverPackage; readonly term: Term };

/**
 * A set of terms that must not all hold at once.
 * https://github.com/dart-lang/pub/blob/master/doc/solver.md#incompatibility
 *
 * Terms are kept with at most one per package, in insertion order.
 */
export class Incompatibility {
  readonly terms: readonly PackageTerm[];
  readonly cause: IncompatibilityCause;

  constructor(terms: readonly PackageTerm[], cause: IncompatibilityCause) {
    this.terms = terms;
    this.cause = cause;
  }

  /** `{root ∉ range}`, `range` holding the root's one version: the start of every solve. */
  static notRoot(root: ResolverPackage, range: VersionRange): Incompatibility {
    return new Incompatibility([{ package: root, term: Term.negative(range) }], { kind: "root" });
  }

  static noVersions(p: ResolverPackage, range: VersionRange): Incompatibility {
    return new Incompatibility([{ package: p, term: Term.positive(range) }], {
      kind: "no-versions",
      package: p,
      range,
    });
  }

  static notFound(
    p: ResolverPackage,
    full: VersionRange,
    reason: string,
    url = false,
  ): Incompatibility {
    return new Incompatibility([{ package: p, term: Term.positive(full) }], {
      kind: "not-found",
      package: p,
      reason,
      ...(url ? { url } : {}),
    });
  }

  static unavailable(
    p: ResolverPackage,
    version: Version,
    exact: VersionRange,
    reason: string,
  ): Incompatibility {
    return new Incompatibility([{ package: p, term: Term.positive(exact) }], {
      kind: "unavailable",
      package: p,
      version,
      reason,
    });
  }

  /** `p ∈ range` requires `dependency ∈ dependencyRange`: `{p ∈ range, dependency ∉ dependencyRange}`. */
  static dependency(
    p: ResolverPackage,
    range: VersionRange,
    dependency: ResolverPackage,
    dependencyRange: VersionRange,
    written?: readonly WrittenRequirement[],
  ): Incompatibility {
    const cause: IncompatibilityCause = {
      kind: "dependency",
      package: p,
      range,
      dependency,
      dependencyRange,
      ...(written === undefined ? {} : { written }),
    };
    // `dependency ∉ ∅` always holds and would have no satisfier: leave it out.
    if (dependencyRange.isEmpty())
      return new Incompatibility([{ package: p, term: Term.positive(range) }], cause);
    return new Incompatibility(
      [
        { package: p, term: Term.positive(range) },
        { package: dependency, term: Term.negative(dependencyRange) },
      ],
      cause,
    );
  }

  /**
   * The incompatibility learned from `conflict` and the cause of the assignment to `p` that
   * satisfied it: the union of their terms for `p` (dropped when it holds for anything) and the
   * intersection of their other terms.
   */
  static priorCause(
    conflict: Incompatibility,
    satisfierCause: Incompatibility,
    p: ResolverPackage,
  ): Incompatibility {
    const merged = new Map<ResolverPackage, Term>();
    let own: Term | undefined;
    let theirs: Term | undefined;
    for (const { package: q, term } of conflict.terms) {
      if (q === p) own = term;
      else merged.set(q, term);
    }
    for (const { package: q, term } of satisfierCause.terms) {
      if (q === p) {
        theirs = term;
        continue;
      }
      const existing = merged.get(q);
      merged.set(q, existing === undefined ? term : existing.intersection(term));
    }
    const terms: PackageTerm[] = [];
    for (const [q, term] of merged) terms.push({ package: q, term });
    const union = (own ?? Term.empty()).union(theirs ?? Term.empty());
    if (!union.isAny()) terms.push({ package: p, term: union });
    return new Incompatibility(terms, {
      kind: "derived",
      cause1: conflict,
      cause2: satisfierCause,
    });
  }

  termFor(p: ResolverPackage): Term | undefined {
    for (const t of this.terms) if (t.package === p) return t.term;
    return undefined;
  }

  /** Version solving has failed: nothing, or only the root package, is left. */
  isTerminal(root: ResolverPackage): boolean {
    if (this.terms.length === 0) return true;
    return (
      this.terms.length === 1 && this.terms[0]!.package === root && this.terms[0]!.term.positive
    );
  }

  toString(): string {
    return `{${this.terms.map(({ package: p, term }) => `${p.key} ${term}`).join(", ")}}`;
  }
}
