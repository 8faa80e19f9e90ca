import { VersionRange } from "../pep440/index.ts";

/**
 * A PubGrub term: a statement about one package's version. A positive term `P ∈ R` says the
 * package is selected at a version in R; a negative term `P ∉ R` says it is not selected at
 * any version in R (it may be absent). The package is kept beside the term, not in it.
 * https://github.com/dart-lang/pub/blob/master/doc/solver.md#term
 *
 * Terms are immutable. `Term.any()` (the negative term of the empty range) holds for every
 * assignment; `Term.empty()` (the positive term of the empty range) for none.
 */
export class Term {
  readonly positive: boolean;
  readonly range: VersionRange;

  private constructor(positive: boolean, range: VersionRange) {
    this.positive = positive;
    this.range = range;
  }

  static positive(range: VersionRange): Term {
    return new Term(true, range);
  }

  static negative(range: VersionRange): Term {
    return new Term(false, range);
  }

  static any(): Term {
    return ANY;
  }

  static empty(): Term {
    return EMPTY;
  }

  negate(): Term {
    return new Term(!this.positive, this.range);
  }

  /** True for `Term.empty()`: no assignment satisfies it. */
  isEmpty(): boolean {
    return this.positive && this.range.isEmpty();
  }

  /** True for `Term.any()`: every assignment satisfies it. */
  isAny(): boolean {
    return !this.positive && this.range.isEmpty();
  }

  /** The versions this term allows a selected package to have. */
  allowed(): VersionRange {
    return this.positive ? this.range : this.range.complement();
  }

  intersection(other: Term): Term {
    if (this.positive && other.positive) return Term.positive(this.range.intersection(other.range));
    if (this.positive) return Term.positive(this.range.intersection(other.range.complement()));
    if (other.positive) return Term.positive(other.range.intersection(this.range.complement()));
    return Term.negative(this.range.union(other.range));
  }

  union(other: Term): Term {
    return this.negate().intersection(other.negate()).negate();
  }

  /** Every assignment satisfying `this` satisfies `other`. */
  isSubsetOf(other: Term): boolean {
    if (this.positive) {
      return other.positive
        ? this.range.isSubsetOf(other.range)
        : this.range.isDisjoint(other.range);
    }
    // An absent package satisfies a negative term but never a positive one.
    return !other.positive && other.range.isSubsetOf(this.range);
  }

  /** No assignment satisfies both. */
  isDisjoint(other: Term): boolean {
    return this.intersection(other).isEmpty();
  }

  equals(other: Term): boolean {
    return this.positive === other.positive && this.range.equals(other.range);
  }

  toString(): string {
    return `${this.positive ? "" : "not "}${this.range}`;
  }
}

const ANY = Term.negative(VersionRange.empty());
const EMPTY = Term.positive(VersionRange.empty());
