import type { Version, VersionRange } from "../pep440/index.ts";
import type { Incompatibility } from "./incompatibility.ts";
import type { ResolverPackage } from "./package.ts";
import { Term } from "./term.ts";

/**
 * The partial solution: the assignments made so far, as decisions and derivations, each with
 * the decision level it was made at. https://github.com/dart-lang/pub/blob/master/doc/solver.md#partial-solution
 *
 * Assignments are indexed by package (as pubgrub-rs does), so asking how the solution stands
 * on one package, or which of its assignments first satisfied a term, never scans the whole
 * solution: each derivation keeps the intersection of the package's derivations up to it, and
 * the satisfier of a term is found by binary search on those monotone intersections.
 *
 * Packages waiting for a decision (a positive term and no decision yet) are kept in a heap
 * ordered by the priority the solver gives them (fixed per package; duplicates are skipped).
 */

type Derivation = {
  readonly level: number;
  readonly index: number;
  readonly cause: Incompatibility;
  /** The intersection of this package's derivations up to and including this one. */
  readonly accumulated: Term;
};

type Decision = {
  readonly level: number;
  readonly index: number;
  readonly version: Version;
  readonly term: Term;
};

class PackageAssignments {
  readonly smallestLevel: number;
  derivations: Derivation[] = [];
  decision: Decision | undefined;
  /** The decision's term once decided, else the last derivation's accumulated term. */
  current: Term;

  constructor(level: number, first: Derivation) {
    this.smallestLevel = level;
    this.derivations.push(first);
    this.current = first.accumulated;
  }
}

/** The assignment that made a term true: a derivation (with its cause) or a decision. */
export type Satisfier = {
  readonly cause: Incompatibility | undefined;
  readonly index: number;
  readonly level: number;
};

export type Relation =
  | { readonly kind: "satisfied" }
  | { readonly kind: "contradicted" }
  | { readonly kind: "almost-satisfied"; readonly package: ResolverPackage }
  | { readonly kind: "inconclusive" };

export type SatisfierSearch = {
  /** The package of the most recent satisfier. */
  readonly package: ResolverPackage;
  readonly satisfier: Satisfier;
  /** The decision level at which all but the most recent satisfier's part was already true. */
  readonly previousLevel: number;
};

type HeapEntry = { readonly priority: number; readonly package: ResolverPackage };

export class PartialSolution {
  #nextIndex = 0;
  #level = 0;
  readonly #assignments = new Map<ResolverPackage, PackageAssignments>();
  readonly #pending: HeapEntry[] = [];
  readonly #priority: (p: ResolverPackage) => number;

  /** `priority`: lower is decided first. */
  constructor(priority: (p: ResolverPackage) => number) {
    this.#priority = priority;
  }

  get level(): number {
    return this.#level;
  }

  /** The intersection of every assignment to `p`; `Term.any()` when there is none. */
  term(p: ResolverPackage): Term {
    return this.#assignments.get(p)?.current ?? Term.any();
  }

  decision(p: ResolverPackage): Version | undefined {
    return this.#assignments.get(p)?.decision?.version;
  }

  /** Every decided package and its version, in no particular order. */
  decisions(): Map<ResolverPackage, Version> {
    const result = new Map<ResolverPackage, Version>();
    for (const [p, a] of this.#assignments) if (a.decision) result.set(p, a.decision.version);
    return result;
  }

  /** Selects `version` for `p` at a new decision level. */
  addDecision(p: ResolverPackage, version: Version, exact: VersionRange): void {
    const a = this.#assignments.get(p);
    if (a === undefined || a.decision !== undefined) {
      throw new Error(`decision on ${p.key} without a positive derivation or twice`);
    }
    this.#level++;
    const term = Term.positive(exact);
    a.decision = { level: this.#level, index: this.#nextIndex++, version, term };
    a.current = term;
  }

  /** Adds the negation of `cause`'s term for `p`, which unit propagation found to be implied. */
  addDerivation(p: ResolverPackage, cause: Incompatibility): void {
    const term = cause.termFor(p)!.negate();
    const index = this.#nextIndex++;
    const a = this.#assignments.get(p);
    if (a === undefined) {
      const created = new PackageAssignments(this.#level, {
        level: this.#level,
        index,
        cause,
        accumulated: term,
      });
      this.#assignments.set(p, created);
      this.#pushIfPending(p, created);
      return;
    }
    if (a.decision !== undefined) throw new Error(`derivation on decided package ${p.key}`);
    const accumulated = a.current.intersection(term);
    a.derivations.push({ level: this.#level, index, cause, accumulated });
    a.current = accumulated;
    this.#pushIfPending(p, a);
  }

  /** Removes every assignment made after decision level `level`. */
  backtrack(level: number): void {
    this.#level = level;
    for (const [p, a] of this.#assignments) {
      if (a.smallestLevel > level) {
        this.#assignments.delete(p);
        continue;
      }
      const decided = a.decision;
      let changed = false;
      if (decided !== undefined && decided.level > level) {
        a.decision = undefined;
        changed = true;
      }
      let keep = a.derivations.length;
      while (keep > 0 && a.derivations[keep - 1]!.level > level) keep--;
      if (keep < a.derivations.length) {
        a.derivations.length = keep;
        changed = true;
      }
      if (changed) {
        a.current = a.decision?.term ?? a.derivations[keep - 1]!.accumulated;
        this.#pushIfPending(p, a);
      }
    }
  }

  /** How the partial solution relates to `incompatibility` (see the PubGrub guide). */
  relation(incompatibility: Incompatibility): Relation {
    let unsatisfied: ResolverPackage | undefined;
    for (const { package: p, term } of incompatibility.terms) {
      const assigned = this.#assignments.get(p);
      const decided = assigned?.decision;
      if (decided !== undefined) {
        // A decided package is at one version, which either satisfies the term or not: one
        // lookup instead of range algebra (this is most of what propagation asks).
        if (term.range.contains(decided.version) === term.positive) continue;
        return { kind: "contradicted" };
      }
      const current = assigned?.current ?? Term.any();
      if (current.isSubsetOf(term)) continue;
      if (current.isDisjoint(term)) return { kind: "contradicted" };
      if (unsatisfied !== undefined) return { kind: "inconclusive" };
      unsatisfied = p;
    }
    return unsatisfied === undefined
      ? { kind: "satisfied" }
      : { kind: "almost-satisfied", package: unsatisfied };
  }

  /**
   * For a satisfied incompatibility: its most recent satisfier, and the decision level at which
   * the incompatibility would be almost satisfied without that satisfier's contribution (as in
   * pubgrub-rs: the satisfier's own package is searched again starting from the satisfier's
   * term). The level is at least 1, the root's decision.
   */
  satisfierSearch(incompatibility: Incompatibility): SatisfierSearch {
    const satisfiers = new Map<ResolverPackage, Satisfier>();
    let latest: ResolverPackage | undefined;
    let latestSatisfier: Satisfier | undefined;
    for (const { package: p, term } of incompatibility.terms) {
      const found = this.#satisfier(p, Term.any(), term);
      satisfiers.set(p, found);
      if (latestSatisfier === undefined || found.index > latestSatisfier.index) {
        latest = p;
        latestSatisfier = found;
      }
    }
    const p = latest!;
    const satisfier = latestSatisfier!;
    const start =
      satisfier.cause !== undefined
        ? satisfier.cause.termFor(p)!.negate()
        : this.#assignments.get(p)!.decision!.term;
    satisfiers.set(p, this.#satisfier(p, start, incompatibility.termFor(p)!));
    let previous: Satisfier | undefined;
    for (const s of satisfiers.values()) {
      if (previous === undefined || s.index > previous.index) previous = s;
    }
    return { package: p, satisfier, previousLevel: Math.max(previous!.level, 1) };
  }

  /** The next package to decide, or `undefined` when every required package is decided. */
  nextPending(): ResolverPackage | undefined {
    const heap = this.#pending;
    while (heap.length > 0) {
      const top = popHeap(heap);
      const a = this.#assignments.get(top.package);
      if (a === undefined || a.decision !== undefined || !a.current.positive) continue;
      return top.package;
    }
    return undefined;
  }

  #pushIfPending(p: ResolverPackage, a: PackageAssignments): void {
    if (a.decision !== undefined || !a.current.positive) return;
    pushHeap(this.#pending, { priority: this.#priority(p), package: p });
  }

  /** The earliest assignment to `p` after which `start ∩ assignments` satisfies `term`. */
  #satisfier(p: ResolverPackage, start: Term, term: Term): Satisfier {
    const a = this.#assignments.get(p);
    if (a === undefined) throw new Error(`no assignment satisfies ${p.key} ${term}`);
    const list = a.derivations;
    let low = 0;
    let high = list.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (list[middle]!.accumulated.intersection(start).isSubsetOf(term)) high = middle;
      else low = middle + 1;
    }
    const found = list[low];
    if (found !== undefined) return { cause: found.cause, index: found.index, level: found.level };
    const decided = a.decision;
    if (decided === undefined) throw new Error(`no assignment satisfies ${p.key} ${term}`);
    return { cause: undefined, index: decided.index, level: decided.level };
  }
}

function pushHeap(heap: HeapEntry[], entry: HeapEntry): void {
  heap.push(entry);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heap[parent]!.priority <= entry.priority) break;
    heap[i] = heap[parent]!;
    i = parent;
  }
  heap[i] = entry;
}

function popHeap(heap: HeapEntry[]): HeapEntry {
  const top = heap[0]!;
  const last = heap.pop()!;
  if (heap.length === 0) return top;
  let i = 0;
  for (;;) {
    const left = 2 * i + 1;
    if (left >= heap.length) break;
    const right = left + 1;
    const child =
      right < heap.length && heap[right]!.priority < heap[left]!.priority ? right : left;
    if (heap[child]!.priority >= last.priority) break;
    heap[i] = heap[child]!;
    i = child;
  }
  heap[i] = last;
  return top;
}
