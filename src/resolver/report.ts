import { Version, VersionRange } from "../pep440/index.ts";
import { PuffinError } from "../support/index.ts";
import type { CandidateSelector } from "./candidate-selector.ts";
import { Incompatibility, type PackageTerm } from "./incompatibility.ts";
import { type NamedPackage, packageLabel, type ResolverPackage } from "./package.ts";
import type { Candidate } from "./provider.ts";

/** What the report needs to know beyond the derivation tree. */
export interface ReportContext {
  readonly root: ResolverPackage;
  readonly pythonVersion: Version;
  /** The versions the provider listed for a package (newest first), when it was asked. */
  readonly candidates: (p: NamedPackage) => readonly Candidate[] | undefined;
  /** Why the provider listed no version of a package, when it said (a hint). */
  readonly note?: (p: NamedPackage) => string | undefined;
  readonly selector: CandidateSelector;
}

/**
 * No versions satisfy the requirements. The message holds the explanation (one sentence per
 * line, like uv's), `hint` the suggestions; `incompatibility` is the root of the derivation tree.
 * In a universal resolution, `split` names the part of the environments (a marker) whose fork
 * has no solution, when that is not all of them (uv: "… for split (markers: …)").
 */
export class NoSolutionError extends PuffinError {
  readonly incompatibility: Incompatibility;
  readonly report: string;
  readonly hints: readonly string[];
  readonly split: string | undefined;

  constructor(
    incompatibility: Incompatibility,
    context: ReportContext | { readonly report: string; readonly hints: readonly string[] },
    split?: string,
  ) {
    let report: string;
    let hints: readonly string[];
    if ("report" in context) {
      ({ report, hints } = context);
    } else {
      const reporter = new Reporter(context);
      report = reporter.explain(incompatibility);
      hints = reporter.hints(incompatibility);
    }
    super(
      "no-solution",
      `${noSolutionHeading(split)}\n${report.replace(/^/gm, "  ")}`,
      hints.length === 0 ? {} : { hint: hints.join("\n") },
    );
    this.incompatibility = incompatibility;
    this.report = report;
    this.hints = hints;
    this.split = split;
  }

  /** The same failure, found in the fork of a universal resolution where `markers` hold. */
  inSplit(markers: string): NoSolutionError {
    return new NoSolutionError(this.incompatibility, this, markers);
  }
}

/** `No solution found when resolving dependencies[ for split (markers: …)]:`. */
export function noSolutionHeading(split: string | undefined): string {
  const where = split === undefined ? "" : ` for split (markers: ${split})`;
  return `No solution found when resolving dependencies${where}:`;
}

type Derived = Incompatibility & { readonly cause: { readonly kind: "derived" } };

function isDerived(i: Incompatibility): i is Derived {
  return i.cause.kind === "derived";
}

/**
 * Turns a derivation tree into English, following the PubGrub guide's algorithm
 * (https://github.com/dart-lang/pub/blob/master/doc/solver.md#error-reporting) as pubgrub-rs
 * implements it: a derived incompatibility used by more than one conclusion gets a numbered line
 * that later lines refer to (`(1)`); chains of externals are told one after another with "And
 * because". Version ranges are shown simplified to the versions that exist.
 */
class Reporter {
  readonly #context: ReportContext;
  readonly #lines: string[] = [];
  readonly #refs = new Map<Incompatibility, number>();
  #shared = new Set<Incompatibility>();
  #nextRef = 1;

  constructor(context: ReportContext) {
    this.#context = context;
  }

  explain(tree: Incompatibility): string {
    const root = this.#collapse(tree, new Map());
    this.#shared = sharedNodes(root);
    if (!isDerived(root)) {
      return `Because ${this.#external(root)}, we can conclude that ${this.#conclusion(root)}.`;
    }
    this.#visit(root);
    return this.#lines.join("\n");
  }

  hints(root: Incompatibility): string[] {
    const hints = new Set<string>();
    for (const leaf of leaves(root)) {
      const hint = this.#hint(leaf);
      if (hint !== undefined) hints.add(hint);
    }
    return [...hints];
  }

  #visit(node: Derived): void {
    this.#visitHelper(node);
    if (this.#shared.has(node) && !this.#refs.has(node)) this.#addRef(node);
  }

  #visitHelper(node: Derived): void {
    const { cause1, cause2 } = node.cause;
    const conclusion = this.#conclusion(node);
    if (!isDerived(cause1) && !isDerived(cause2)) {
      this.#push(`Because ${this.#externals(cause1, cause2)}, ${concluding(conclusion)}.`);
      return;
    }
    if (isDerived(cause1) && isDerived(cause2)) {
      const ref1 = this.#refs.get(cause1);
      const ref2 = this.#refs.get(cause2);
      if (ref1 !== undefined && ref2 !== undefined) {
        this.#push(
          `Because ${this.#conclusion(cause1)} (${ref1}) and ${this.#conclusion(cause2)} (${ref2}), ${concluding(conclusion)}.`,
        );
      } else if (ref1 !== undefined || ref2 !== undefined) {
        const [known, other] = ref1 !== undefined ? [cause1, cause2] : [cause2, cause1];
        this.#visit(other);
        this.#push(
          `And because ${this.#conclusion(known)} (${this.#refs.get(known)}), ${concluding(conclusion)}.`,
        );
      } else {
        this.#visit(cause1);
        if (this.#shared.has(cause1)) {
          this.#lines.push("");
          this.#visit(node);
          return;
        }
        const ref = this.#addRef(cause1);
        this.#lines.push("");
        this.#visit(cause2);
        this.#push(`And because ${this.#conclusion(cause1)} (${ref}), ${concluding(conclusion)}.`);
      }
      return;
    }
    const [derived, external] = isDerived(cause1) ? [cause1, cause2] : [cause2 as Derived, cause1];
    const ref = this.#refs.get(derived);
    if (ref !== undefined) {
      this.#push(
        `Because ${this.#conclusion(derived)} (${ref}) and ${this.#external(external)}, ${concluding(conclusion)}.`,
      );
      return;
    }
    const { cause1: prior1, cause2: prior2 } = derived.cause;
    const priorExternal = !isDerived(prior1) ? prior1 : !isDerived(prior2) ? prior2 : undefined;
    const priorDerived = isDerived(prior1) ? prior1 : isDerived(prior2) ? prior2 : undefined;
    if (priorExternal !== undefined && priorDerived !== undefined && !this.#shared.has(derived)) {
      // Chain the derived cause's own external fact into this sentence.
      this.#visit(priorDerived);
      this.#push(
        `And because ${this.#externals(priorExternal, external)}, ${concluding(conclusion)}.`,
      );
      return;
    }
    this.#visit(derived);
    this.#push(`And because ${this.#external(external)}, ${concluding(conclusion)}.`);
  }

  #push(line: string): void {
    this.#lines.push(line);
  }

  /** Numbers the last line and remembers the number for `node`. */
  #addRef(node: Incompatibility): number {
    const ref = this.#nextRef++;
    this.#refs.set(node, ref);
    const last = this.#lines.length - 1;
    this.#lines[last] = `${this.#lines[last]} (${ref})`;
    return ref;
  }

  /**
   * The tree without the "gaps" decision making leaves: a `no-versions` fact about a range that
   * holds no listed version (`foo>1.0,<2.0` when only 1.0 exists) merged into its sibling, as
   * pubgrub-rs's `collapse_no_versions` does. Merging with a dependency of that package widens
   * the dependency's range by the gap; merging with a derived sibling keeps the sibling, whose
   * terms differ from the merged node's only by the gap, which the simplified ranges of the
   * report do not show. A `no-versions` fact on a dependency's side is kept: it is the reason
   * the dependency fails ("only bar<=1.5 is available").
   */
  #collapse(node: Incompatibility, memo: Map<Incompatibility, Incompatibility>): Incompatibility {
    if (!isDerived(node)) return node;
    const known = memo.get(node);
    if (known !== undefined) return known;
    const { cause1, cause2 } = node.cause;
    let result: Incompatibility | undefined;
    const gap1 = this.#isGap(cause1);
    const gap2 = this.#isGap(cause2);
    if (gap1 || gap2) {
      const gap = (gap1 ? cause1 : cause2).cause as {
        package: ResolverPackage;
        range: VersionRange;
      };
      result = mergeGap(this.#collapse(gap1 ? cause2 : cause1, memo), gap.package, gap.range);
    }
    result ??= new Incompatibility(node.terms, {
      kind: "derived",
      cause1: this.#collapse(cause1, memo),
      cause2: this.#collapse(cause2, memo),
    });
    memo.set(node, result);
    return result;
  }

  #isGap(i: Incompatibility): boolean {
    const cause = i.cause;
    if (cause.kind !== "no-versions") return false;
    const p = cause.package;
    if (p.kind !== "package" && p.kind !== "extra") return false;
    const candidates = this.#context.candidates(p);
    return candidates !== undefined && !candidates.some((c) => cause.range.contains(c.version));
  }

  // -------------------------------------------------------------------------------------------
  // Sentences

  /**
   * Two external facts joined by "and": a dependency first, then a fact about availability;
   * two requirements of the user's as one ("you require foo and bar").
   */
  #externals(first: Incompatibility, second: Incompatibility): string {
    const [a, b] =
      first.cause.kind !== "dependency" && second.cause.kind === "dependency"
        ? [second, first]
        : [first, second];
    if (isRootDependency(a) && isRootDependency(b)) {
      if (!hasPlace(a.cause) && !hasPlace(b.cause)) {
        return `you require ${this.#required(a.cause)} and ${this.#required(b.cause)}`;
      }
      return `${this.#requiredBy(a.cause)} and ${this.#requiredBy(b.cause)}`;
    }
    return `${this.#external(a)} and ${this.#external(b)}`;
  }

  /** An external fact, as a clause. */
  #external(i: Incompatibility): string {
    const cause = i.cause;
    switch (cause.kind) {
      case "root":
        return "you require the root";
      case "not-found":
        return cause.url === true
          ? `${packageLabel(cause.package)} ${cause.reason}`
          : `${packageLabel(cause.package)} was not found in the package registry`;
      case "unavailable":
        return `${packageLabel(cause.package)}==${cause.version} ${cause.reason}`;
      case "dependency": {
        if (cause.package.kind === "root") return this.#requiredBy(cause);
        return `${this.#subject(cause.package, cause.range)} depends on ${this.#required(cause)}`;
      }
      case "no-versions":
        return this.#noVersions(cause.package, cause.range);
      case "derived":
        return this.#conclusion(i);
    }
  }

  #noVersions(p: ResolverPackage, range: VersionRange): string {
    if (p.kind === "python") {
      return `the target Python version (${this.#context.pythonVersion}) does not satisfy Python${formatRange(range)}`;
    }
    if (p.kind === "root") return "the root cannot be chosen";
    const label = packageLabel(p);
    const candidates = this.#context.candidates(p);
    if (candidates !== undefined && candidates.length === 0)
      return `there are no versions of ${label}`;
    if (candidates === undefined) return `there is no version of ${label}${formatRange(range)}`;
    if (candidates.some((c) => range.contains(c.version))) {
      return `no version of ${this.#subject(p, range, true)} can be chosen`;
    }
    const parts = available(range, ascending(candidates)).map((part) => `${label}${part}`);
    return `only ${joinAnd(parts)} ${parts.length === 1 ? "is" : "are"} available`;
  }

  /** A derived incompatibility, as what we conclude. */
  #conclusion(i: Incompatibility): string {
    const root = this.#context.root;
    if (i.isTerminal(root)) return "your requirements are unsatisfiable";
    const rootTerm = i.terms.find((t) => t.package === root);
    const terms = i.terms.filter((t) => t.package !== root);
    const positives = terms.filter((t) => t.term.positive);
    const negatives = terms.filter((t) => !t.term.positive);
    if (rootTerm !== undefined && positives.length === 0 && negatives.length === 1) {
      return `you require ${this.#object(negatives[0]!.package, negatives[0]!.term.range)}`;
    }
    if (positives.length === 1 && negatives.length === 0) {
      const { package: p, term } = positives[0]!;
      if (p.kind !== "root" && this.#simplify(p, term.range).isFull()) {
        return `no version of ${packageLabel(p)} can be used`;
      }
      return `${this.#subject(p, term.range)} cannot be used`;
    }
    if (positives.length === 1 && negatives.length === 1) {
      const [p, q] = [positives[0]!, negatives[0]!];
      return `${this.#subject(p.package, p.term.range)} depends on ${this.#object(q.package, q.term.range)}`;
    }
    if (negatives.length === 0) {
      const list = positives.map((t) => this.#subject(t.package, t.term.range, true));
      return `${joinAnd(list)} are incompatible`;
    }
    return `${joinAnd(terms.map((t) => this.#termText(t)))} cannot hold together`;
  }

  #termText({ package: p, term }: PackageTerm): string {
    const subject = this.#subject(p, term.range, true);
    return term.positive ? subject : `not ${subject}`;
  }

  /** The package a statement is about: `foo==1.0`, `foo>=2`, `all versions of foo`. */
  #subject(p: ResolverPackage, range: VersionRange, bare = false): string {
    if (p.kind === "root") return "your requirements";
    const shown = this.#simplify(p, range);
    if (shown.isFull()) return bare ? packageLabel(p) : `every version of ${packageLabel(p)}`;
    return `${packageLabel(p)}${formatRange(shown)}`;
  }

  /**
   * What a dependency requires, quoted as written (`bar>=2,<3`, `bar @ URL`); requirements that
   * exclude each other are named one by one (`a==1.0.0 and a==2.0.0`). Without the written
   * form, the range as `#object` says it.
   */
  #required(cause: DependencyCause): string {
    const label = packageLabel(cause.dependency);
    if (cause.written === undefined) return this.#object(cause.dependency, cause.dependencyRange);
    const written = [...new Set(cause.written.map((w) => w.version).filter((w) => w !== ""))];
    if (written.length === 0) return label;
    if (cause.dependencyRange.isEmpty() && written.length > 1) {
      return joinAnd(written.map((w) => `${label}${w}`));
    }
    return `${label}${written.join(",")}`;
  }

  /**
   * A requirement of yours with who wrote it: `you require a>=2` for the command line,
   * `requirements.in:3 requires a>=2` for a file; requirements from several places, each with
   * its place (`requirements.in:1 requires a==1.0.0 and requirements.in:2 requires a==2.0.0`).
   */
  #requiredBy(cause: DependencyCause): string {
    const places = [...new Set((cause.written ?? []).map((w) => w.where))];
    if (places.length <= 1) {
      const where = places[0];
      return where === undefined
        ? `you require ${this.#required(cause)}`
        : `${where} requires ${this.#required(cause)}`;
    }
    const label = packageLabel(cause.dependency);
    return joinAnd(
      places.map((where) => {
        const versions = (cause.written ?? [])
          .filter((w) => w.where === where)
          .map((w) => w.version)
          .filter((v) => v !== "");
        const object = `${label}${versions.join(",")}`;
        return where === undefined ? `you require ${object}` : `${where} requires ${object}`;
      }),
    );
  }

  /** The package a dependency points at: `bar>=2`, `bar` for any version. */
  #object(p: ResolverPackage, range: VersionRange): string {
    if (range.isEmpty()) return `${packageLabel(p)} in a version range that holds no version`;
    const shown = this.#simplify(p, range);
    return shown.isFull() ? packageLabel(p) : `${packageLabel(p)}${formatRange(shown)}`;
  }

  /**
   * The range with bounds moved to the listed versions it contains (as pubgrub-rs's `simplify`):
   * each run of consecutive listed versions inside it becomes `>=first,<=last`, a bound dropped
   * where the run reaches the oldest or newest version, and a run of one version `==V`.
   * Unchanged when it contains none.
   */
  #simplify(p: ResolverPackage, range: VersionRange): VersionRange {
    if (p.kind === "root") return range;
    if (p.kind === "python") return range;
    const candidates = this.#context.candidates(p);
    if (candidates === undefined || candidates.length === 0) return range;
    const versions = ascending(candidates);
    let result = VersionRange.empty();
    let found = false;
    let start = -1;
    for (let k = 0; k <= versions.length; k++) {
      const inside = k < versions.length && range.contains(versions[k]!);
      if (inside) {
        found = true;
        if (start < 0) start = k;
        continue;
      }
      if (start < 0) continue;
      result = result.union(runRange(versions, start, k - 1));
      start = -1;
    }
    return found ? result : range;
  }

  // -------------------------------------------------------------------------------------------
  // Hints

  #hint(leaf: Incompatibility): string | undefined {
    const cause = leaf.cause;
    // A URL requirement's reason is in the report's sentence already.
    if (cause.kind === "not-found") return cause.url === true ? undefined : cause.reason;
    if (cause.kind === "dependency" && cause.dependency.kind === "python") {
      const target = this.#context.pythonVersion;
      if (cause.dependencyRange.contains(target)) return undefined;
      return `${this.#subject(cause.package, cause.range)} requires Python${formatRange(cause.dependencyRange)}, which excludes the target Python version ${target}; use a Python that satisfies it (\`--python\`), or allow older versions of ${packageLabel(cause.package)}`;
    }
    if (cause.kind !== "no-versions") return undefined;
    const p = cause.package;
    if (p.kind !== "package" && p.kind !== "extra") return undefined;
    const candidates = this.#context.candidates(p) ?? [];
    if (candidates.length === 0) return this.#context.note?.(p);
    const inRange = candidates.filter((c) => cause.range.contains(c.version));
    const pre = inRange.find((c) => c.version.isPrerelease() && c.yanked !== true);
    if (pre !== undefined && !this.#context.selector.allowsPrereleases(p.name)) {
      return `Pre-releases are available for \`${p.name}\` in the requested range (e.g., ${pre.version}), but pre-releases weren't enabled (try: \`--prerelease=allow\`)`;
    }
    const yanked = inRange.find((c) => c.yanked === true);
    if (yanked !== undefined) {
      return `\`${p.name}==${yanked.version}\` was yanked; a yanked version is only chosen when a requirement pins it exactly (\`${p.name}==${yanked.version}\`)`;
    }
    return undefined;
  }
}

type DependencyCause = Extract<Incompatibility["cause"], { kind: "dependency" }>;

/** Whether a top-level requirement says where it was written (a file, not the command line). */
function hasPlace(cause: DependencyCause): boolean {
  return (cause.written ?? []).some((w) => w.where !== undefined);
}

type RootDependency = Incompatibility & {
  readonly cause: Extract<Incompatibility["cause"], { kind: "dependency" }>;
};

function isRootDependency(i: Incompatibility): i is RootDependency {
  return i.cause.kind === "dependency" && i.cause.package.kind === "root";
}

/** `other` with the gap `p ∈ gap` resolved into it (see `Reporter.#collapse`). */
function mergeGap(
  other: Incompatibility,
  p: ResolverPackage,
  gap: VersionRange,
): Incompatibility | undefined {
  const cause = other.cause;
  if (cause.kind === "derived") return other;
  if (cause.kind === "dependency" && cause.package === p) {
    return Incompatibility.dependency(
      p,
      cause.range.union(gap),
      cause.dependency,
      cause.dependencyRange,
      cause.written,
    );
  }
  if (cause.kind === "no-versions" && cause.package === p) {
    return Incompatibility.noVersions(p, cause.range.union(gap));
  }
  // A fact about `p` alone reads the same once widened by a gap without versions.
  if ((cause.kind === "unavailable" || cause.kind === "not-found") && cause.package === p) {
    return other;
  }
  return undefined;
}

function concluding(conclusion: string): string {
  return `we can conclude that ${conclusion}`;
}

function joinAnd(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** Derived incompatibilities that more than one conclusion uses. */
function sharedNodes(root: Incompatibility): Set<Incompatibility> {
  const seen = new Set<Incompatibility>();
  const shared = new Set<Incompatibility>();
  const stack: Incompatibility[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (!isDerived(node)) continue;
    for (const child of [node.cause.cause1, node.cause.cause2]) {
      if (!isDerived(child)) continue;
      if (seen.has(child)) shared.add(child);
      else {
        seen.add(child);
        stack.push(child);
      }
    }
  }
  return shared;
}

function leaves(root: Incompatibility): Incompatibility[] {
  const seen = new Set<Incompatibility>();
  const found: Incompatibility[] = [];
  const visit = (node: Incompatibility) => {
    if (seen.has(node)) return;
    seen.add(node);
    if (isDerived(node)) {
      visit(node.cause.cause1);
      visit(node.cause.cause2);
    } else {
      found.push(node);
    }
  };
  visit(root);
  return found;
}

function ascending(candidates: readonly Candidate[]): Version[] {
  return candidates.map((c) => c.version).sort((a, b) => a.compare(b));
}

/** The run `versions[first..last]` as a range: bounds dropped at the ends of the list. */
function runRange(versions: readonly Version[], first: number, last: number): VersionRange {
  const low = versions[first]!;
  const high = versions[last]!;
  if (first === last) return VersionRange.singleton(low);
  const lower = first === 0 ? VersionRange.full() : VersionRange.higherThan(low);
  const upper = last === versions.length - 1 ? VersionRange.full() : VersionRange.lowerThan(high);
  return lower.intersection(upper);
}

/**
 * The listed versions, none of which `range` holds, as "only … is available" says them: runs of
 * consecutive versions, each without the bound at the oldest or the newest version — except
 * that when every version is listed, the bound that faces the request stays, so the sentence
 * contradicts it (`a<2.0.0` against 2.0.0…4.0.0: `a>=2.0.0`; `numpy==2.5` between 2.4 and 2.6:
 * `numpy<=2.4` and `numpy>=2.6`). One version is `==V`.
 */
function available(range: VersionRange, all: readonly Version[]): string[] {
  if (all.length === 1) return [`==${all[0]}`];
  const first = all[0]!;
  const last = all[all.length - 1]!;
  // The versions above everything the request allows (a suffix of the list).
  const above = all.filter((v) => range.intersection(VersionRange.higherThan(v)).isEmpty());
  if (above.length === all.length) return [`>=${first}`];
  if (above.length === 0) return [`<=${last}`];
  const under = all[all.length - above.length - 1]!;
  const over = above[0]!;
  return [
    under.equals(first) ? `==${under}` : `<=${under}`,
    over.equals(last) ? `==${over}` : `>=${over}`,
  ];
}

/**
 * A range in specifier style, as a user writes one: `==1.0`, `>=1.0,<2.0`, `!=1.5`, `==1.25.*`,
 * alternatives joined by ` | `. The exact interval bounds that express PEP 440's rules (the
 * version after every post-release of V, `V.post*`; the one after V and its local versions,
 * `V.post0.dev0`; the first pre-release of V, `V.dev0`) are said as the specifier that makes them:
 * `>V`, `<=V`, `<V` and `>=V`, so `a>1.0.0` reads back as `a>1.0.0`, never `a>1.0.0.post*`.
 */
export function formatRange(range: VersionRange): string {
  if (range.isEmpty()) return " (no versions)";
  if (range.isFull()) return "";
  const complement = range.complement();
  if (complement.intervals.length === 1) {
    const single = formatInterval(complement.intervals[0]!);
    if (single.startsWith("==")) return `!${single.slice(1)}`;
  }
  return range.intervals.map(formatInterval).join(" | ");
}

type Interval = VersionRange["intervals"][number];

function formatInterval(x: Interval): string {
  const { lower, upper } = x;
  if (lower !== undefined && upper !== undefined) {
    if (
      lower.equals(upper) ||
      (x.lowerInclusive && !x.upperInclusive && afterLocals(lower, upper))
    ) {
      return `==${lower}`;
    }
    const prefix = firstPrerelease(lower);
    if (x.lowerInclusive && !x.upperInclusive && prefix !== undefined) {
      const next = firstPrerelease(upper);
      if (next !== undefined && isNextRelease(prefix, next)) return `==${prefix}.*`;
    }
  }
  const parts: string[] = [];
  if (lower !== undefined) parts.push(lowerBound(lower, x.lowerInclusive));
  if (upper !== undefined) parts.push(upperBound(upper, x.upperInclusive));
  return parts.join(",");
}

function lowerBound(v: Version, inclusive: boolean): string {
  if (isAfterPostReleases(v)) return `>${withoutPost(v)}`;
  const base = afterLocalsBase(v);
  if (inclusive && base !== undefined) return `>${base}`;
  const release = inclusive ? firstPrerelease(v) : undefined;
  if (release !== undefined) return `>=${release}`;
  return `${inclusive ? ">=" : ">"}${v}`;
}

function upperBound(v: Version, inclusive: boolean): string {
  if (isAfterPostReleases(v)) return `<=${withoutPost(v)}`;
  const base = inclusive ? undefined : afterLocalsBase(v);
  if (base !== undefined) return `<=${base}`;
  const release = inclusive ? undefined : firstPrerelease(v);
  if (release !== undefined) return `<${release}`;
  return `${inclusive ? "<=" : "<"}${v}`;
}

/** The sentinel after every post-release of a version (`VersionRange`'s `>V` bound). */
function isAfterPostReleases(v: Version): boolean {
  return v.post === Number.POSITIVE_INFINITY;
}

function withoutPost(v: Version): Version {
  return Version.create({ ...v.parts(), post: undefined });
}

/** `V` for `V.post0.dev0`, the version right after V and its local versions; else undefined. */
function afterLocalsBase(v: Version): Version | undefined {
  const parts = v.parts();
  if (v.isLocal() || parts.post === undefined || Number(parts.post) !== 0) return undefined;
  if (parts.dev === undefined || Number(parts.dev) !== 0) return undefined;
  return Version.create({ ...parts, post: undefined, dev: undefined });
}

/** Whether `upper` is the bound right after `lower` and its local versions (`==lower`). */
function afterLocals(lower: Version, upper: Version): boolean {
  const base = afterLocalsBase(upper);
  return base?.equals(lower) === true && !lower.isLocal();
}

/** `2.0` for `2.0.dev0` (a final release's first pre-release), else `undefined`. */
function firstPrerelease(bound: Version | undefined): Version | undefined {
  if (bound === undefined || bound.isLocal() || bound.isPostrelease()) return undefined;
  const parts = bound.parts();
  if (parts.pre !== undefined || parts.dev === undefined || Number(parts.dev) !== 0) {
    return undefined;
  }
  return Version.create({ ...parts, dev: undefined });
}

/** `1.26` after `1.25`: the same release with its last number one higher (`==1.25.*`). */
function isNextRelease(prefix: Version, next: Version): boolean {
  const a = prefix.release;
  const b = next.release;
  return (
    a.length === b.length && a.every((n, i) => (i === a.length - 1 ? b[i] === n + 1 : b[i] === n))
  );
}
