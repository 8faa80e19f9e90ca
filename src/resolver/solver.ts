import type { ExtraName, PackageName } from "../normalize/index.ts";
import { Version, VersionRange, type VersionSpecifiers } from "../pep440/index.ts";
import { MarkerSet, type Requirement, type VerbatimUrl } from "../pep508/index.ts";
import { log, PuffinError, redactCredentials } from "../support/index.ts";
import { CandidateSelector } from "./candidate-selector.ts";
import { ForkSplit, splitFork, splitOnPython } from "./fork-split.ts";
import { Incompatibility, type WrittenRequirement } from "./incompatibility.ts";
import { environmentScope, forkScope, type MarkerScope } from "./marker-scope.ts";
import type { ResolutionMode, ResolveOptions } from "./options.ts";
import { type NamedPackage, PackageTable, packageLabel, type ResolverPackage } from "./package.ts";
import { PartialSolution } from "./partial-solution.ts";
import type {
  Candidate,
  DependenciesResult,
  DependencyProvider,
  VersionsResult,
} from "./provider.ts";
import { NoSolutionError, type ReportContext } from "./report.ts";
import { pythonRange } from "./requires-python.ts";
import { Term } from "./term.ts";

/** One package of a solution. */
export type SolvedPackage = {
  readonly name: PackageName;
  readonly version: Version;
  /** Set when the user declared the package by URL. */
  readonly url: VerbatimUrl | undefined;
  /** The extras some requirement asked for, sorted. */
  readonly extras: readonly ExtraName[];
  /** Whether one of the user's requirements names it. */
  readonly direct: boolean;
  /** The resolved packages that depend on it, sorted (for `# via` annotations). */
  readonly dependents: readonly PackageName[];
};

/**
 * A requirement the solution follows: from the root (`from` undefined), a package or a
 * package's extra, to a package or its extra, where `marker` holds.
 */
export type SolvedEdge = {
  readonly from: SolvedNode | undefined;
  readonly to: SolvedNode;
  readonly marker: MarkerSet;
};

/** A package (`extra` undefined) or one of its extras, in the solution's graph. */
export type SolvedNode = { readonly name: PackageName; readonly extra: ExtraName | undefined };

/**
 * A solution: one version per package, sorted by name (a `RegistryProvider` turns it into the
 * installer's `Resolution`, with files), and the requirements between them.
 */
export type SolverResult = {
  readonly packages: readonly SolvedPackage[];
  readonly edges: readonly SolvedEdge[];
};

/**
 * Finds versions for the requirements in `options` with the PubGrub algorithm, or throws a
 * `NoSolutionError` whose message explains in plain English why none exists. Errors of the
 * provider, and requirements that cannot be honoured as written (an undeclared or conflicting
 * URL), are thrown as they are, as `PuffinError`s.
 * https://github.com/dart-lang/pub/blob/master/doc/solver.md
 */
export async function resolve(
  provider: DependencyProvider,
  options: ResolveOptions,
): Promise<SolverResult> {
  return new Solver(provider, options).solve();
}

const ROOT_VERSION = Version.parse("0");

/** Keys of dependency and version caches. */
function versionKey(name: PackageName, version: Version): string {
  return `${name} ${version}`;
}

/** A package's dependencies as ranges, one entry per package (ranges intersected). */
type Dependencies = Map<ResolverPackage, VersionRange>;

/** Each dependency's requirements as written, for reports (see `WrittenRequirement`). */
type Written = Map<ResolverPackage, WrittenRequirement[]>;

/** The requirements a package's dependencies come from, with the markers they apply under. */
type Edges = {
  readonly to: SolvedNode;
  readonly marker: MarkerSet;
  /** The versions the requirement allows (orders a split fork's parts). */
  readonly range: VersionRange;
}[];

class Solver {
  readonly #provider: DependencyProvider;
  readonly #scope: MarkerScope;
  /** The fork of a universal resolution; undefined for one environment. */
  readonly #fork: MarkerSet | undefined;
  readonly #pythonVersion: Version;
  readonly #resolutionMode: ResolutionMode;
  readonly #table = new PackageTable();
  readonly #selector: CandidateSelector;
  readonly #solution: PartialSolution;
  /** Incompatibilities by package, oldest first. */
  readonly #incompatibilities = new Map<ResolverPackage, Incompatibility[]>();
  /** The dependency incompatibilities by depender and dependency, for `#mergeDependents`. */
  readonly #dependents = new Map<ResolverPackage, Map<ResolverPackage, Incompatibility[]>>();
  /** Incompatibilities contradicted by the partial solution, with the level they became so. */
  readonly #contradicted = new Map<Incompatibility, number>();
  readonly #rootRequirements: readonly Requirement[];
  readonly #labels: ReadonlyMap<Requirement, string>;
  readonly #constraints = new Map<PackageName, VersionRange>();
  /** The constraints as written, for reports. */
  readonly #constraintTexts = new Map<PackageName, string>();
  readonly #overrides = new Map<PackageName, Requirement[]>();
  readonly #urls = new Map<PackageName, VerbatimUrl>();
  /** In-flight and settled provider answers (settled ones are read without awaiting). */
  readonly #versionRequests = new Map<PackageName, Promise<VersionsResult>>();
  readonly #versions = new Map<PackageName, VersionsResult>();
  readonly #dependencyRequests = new Map<string, Promise<DependenciesResult>>();
  readonly #dependencies = new Map<string, DependenciesResult>();
  /** The order packages were first seen in: the tie-breaker of decision priority. */
  readonly #discovery = new Map<ResolverPackage, number>();
  /** The dependencies of each package at its current decision, for `dependents`. */
  readonly #chosen = new Map<ResolverPackage, Dependencies>();
  /**
   * In a universal resolution, names your requirements give different URLs under different
   * markers: the root's requirements split the fork before they are declared (see `#deferUrls`).
   */
  readonly #deferredUrls = new Set<PackageName>();
  /** The requirements behind each package's dependencies at its current decision. */
  readonly #edges = new Map<ResolverPackage, Edges>();

  constructor(provider: DependencyProvider, options: ResolveOptions) {
    this.#provider = provider;
    const { environment } = options;
    this.#fork = environment instanceof MarkerSet ? environment : undefined;
    this.#scope =
      environment instanceof MarkerSet ? forkScope(environment) : environmentScope(environment);
    this.#pythonVersion = options.pythonVersion;
    this.#resolutionMode = options.resolution ?? "highest";
    const active = (r: Requirement) => this.#scope.applies(r.marker, undefined) !== undefined;
    const constraints = (options.constraints ?? []).filter(active);
    const overrides = (options.overrides ?? []).filter(active);
    this.#rootRequirements = options.requirements;
    this.#labels = options.requirementLabels ?? new Map();
    const topLevel = [...options.requirements.filter(active), ...constraints, ...overrides];
    this.#deferUrls(topLevel);
    for (const requirement of topLevel) {
      if (!this.#deferredUrls.has(requirement.name)) this.#declareUrl(requirement);
    }
    for (const constraint of constraints) {
      if (constraint.version.kind !== "specifiers") continue;
      const range = VersionRange.fromSpecifiers(constraint.version.specifiers);
      const existing = this.#constraints.get(constraint.name);
      this.#constraints.set(constraint.name, existing?.intersection(range) ?? range);
      const text = this.#constraintTexts.get(constraint.name);
      const own = asWritten(constraint.version.specifiers);
      this.#constraintTexts.set(constraint.name, text === undefined ? own : `${text},${own}`);
    }
    for (const override of overrides) {
      const list = this.#overrides.get(override.name) ?? [];
      list.push(override);
      this.#overrides.set(override.name, list);
    }
    const pins = new Map<PackageName, Version[]>();
    const explicitPrereleases = new Set<PackageName>();
    for (const requirement of topLevel) {
      if (requirement.version.kind !== "specifiers") continue;
      const specifiers = requirement.version.specifiers;
      if (specifiers.anyPrerelease()) explicitPrereleases.add(requirement.name);
      for (const s of specifiers.specifiers) {
        if ((s.operator === "==" && !s.wildcard) || s.operator === "===") {
          pins.set(requirement.name, [...(pins.get(requirement.name) ?? []), s.version]);
        }
      }
    }
    this.#selector = new CandidateSelector({
      resolution: options.resolution ?? "highest",
      prerelease: options.prerelease ?? "if-necessary-or-explicit",
      preferences: options.preferences ?? new Map(),
      forkPreferences: options.forkPreferences ?? new Map(),
      // In a fork, a requirement whose marker misses it does not make its package direct.
      direct: new Set(options.requirements.filter(active).map((r) => r.name)),
      explicitPrereleases,
      pins,
    });
    this.#solution = new PartialSolution((p) => this.#priority(p));
  }

  async solve(): Promise<SolverResult> {
    const root = this.#table.root;
    this.#addIncompatibility(Incompatibility.notRoot(root, VersionRange.singleton(ROOT_VERSION)));
    let next: ResolverPackage | undefined = root;
    while (next !== undefined) {
      this.#propagate(next);
      const pending = this.#solution.nextPending();
      if (pending === undefined) break;
      next = await this.#decide(pending);
    }
    return this.#resolution();
  }

  // -------------------------------------------------------------------------------------------
  // Unit propagation and conflict resolution

  /** Derives everything the incompatibilities imply, starting from changes to `start`. */
  #propagate(start: ResolverPackage): void {
    const queue: ResolverPackage[] = [start];
    while (queue.length > 0) {
      const p = queue.pop()!;
      const list = this.#incompatibilities.get(p) ?? [];
      let conflict: Incompatibility | undefined;
      // Newest first: the most recently learned facts are the most likely to apply.
      for (let i = list.length - 1; i >= 0; i--) {
        const incompatibility = list[i]!;
        if (this.#contradicted.has(incompatibility)) continue;
        const relation = this.#solution.relation(incompatibility);
        if (relation.kind === "satisfied") {
          conflict = incompatibility;
          break;
        }
        if (relation.kind === "almost-satisfied") {
          if (!queue.includes(relation.package)) queue.push(relation.package);
          this.#solution.addDerivation(relation.package, incompatibility);
          this.#contradicted.set(incompatibility, this.#solution.level);
        } else if (relation.kind === "contradicted") {
          this.#contradicted.set(incompatibility, this.#solution.level);
        }
      }
      if (conflict !== undefined) {
        const { package: almost, cause } = this.#resolveConflict(conflict);
        queue.length = 0;
        queue.push(almost);
        this.#solution.addDerivation(almost, cause);
        this.#contradicted.set(cause, this.#solution.level);
      }
    }
  }

  /**
   * Learns the root cause of a satisfied incompatibility and backjumps to where it is almost
   * satisfied; throws `NoSolutionError` when the root cause holds for the root itself.
   */
  #resolveConflict(conflict: Incompatibility): {
    package: ResolverPackage;
    cause: Incompatibility;
  } {
    let current = conflict;
    let learned = false;
    for (;;) {
      if (current.isTerminal(this.#table.root)) {
        throw new NoSolutionError(current, this.#reportContext());
      }
      const search = this.#solution.satisfierSearch(current);
      if (search.previousLevel < search.satisfier.level || search.satisfier.cause === undefined) {
        log.debug(() => `Backtracking to decision level ${search.previousLevel}`);
        this.#solution.backtrack(search.previousLevel);
        for (const [incompatibility, level] of this.#contradicted) {
          if (level > search.previousLevel) this.#contradicted.delete(incompatibility);
        }
        if (learned) this.#addIncompatibility(current);
        return { package: search.package, cause: current };
      }
      current = Incompatibility.priorCause(current, search.satisfier.cause, search.package);
      learned = true;
    }
  }

  #addIncompatibility(added: Incompatibility): void {
    const incompatibility = this.#mergeDependents(added);
    for (const { package: p } of incompatibility.terms) {
      let list = this.#incompatibilities.get(p);
      if (list === undefined) {
        list = [];
        this.#incompatibilities.set(p, list);
      }
      list.push(incompatibility);
    }
  }

  /**
   * A dependency that another version of the same package has too (`p ∈ r` and `p ∈ r'` both
   * depending on `q ∉ s`) becomes one incompatibility for both versions (`p ∈ r ∪ r'`), which
   * replaces the earlier one, as pubgrub-rs merges dependents: the same facts, fewer of them,
   * and a report that says "a>=1.0,<=1.9 depends on b>=1" once instead of once per version.
   */
  #mergeDependents(added: Incompatibility): Incompatibility {
    const cause = added.cause;
    if (cause.kind !== "dependency" || added.terms.length !== 2) return added;
    let byDependency = this.#dependents.get(cause.package);
    if (byDependency === undefined) {
      byDependency = new Map();
      this.#dependents.set(cause.package, byDependency);
    }
    const list = byDependency.get(cause.dependency) ?? [];
    byDependency.set(cause.dependency, list);
    const index = list.findIndex((earlier) => {
      const c = earlier.cause;
      return c.kind === "dependency" && c.dependencyRange.equals(cause.dependencyRange);
    });
    if (index < 0) {
      list.push(added);
      return added;
    }
    const earlier = list[index]!;
    const earlierCause = earlier.cause as typeof cause;
    const merged = Incompatibility.dependency(
      cause.package,
      earlierCause.range.union(cause.range),
      cause.dependency,
      cause.dependencyRange,
      cause.written,
    );
    list[index] = merged;
    for (const { package: p } of earlier.terms) {
      const stored = this.#incompatibilities.get(p);
      const at = stored?.indexOf(earlier) ?? -1;
      if (at >= 0) stored!.splice(at, 1);
    }
    this.#contradicted.delete(earlier);
    return merged;
  }

  // -------------------------------------------------------------------------------------------
  // Decision making

  /**
   * Lower is decided first: Python (one version: a conflict shows at once), then packages given
   * by URL (one version too), then the rest in the order they were discovered, which keeps the
   * search close to breadth-first, as uv and pip do.
   */
  #priority(p: ResolverPackage): number {
    let order = this.#discovery.get(p);
    if (order === undefined) {
      order = this.#discovery.size;
      this.#discovery.set(p, order);
    }
    if (p.kind === "root" || p.kind === "python") return -1;
    return (this.#urls.has(p.name) ? 0 : 1) * 1e9 + order;
  }

  /** Chooses a version for `p` (or learns why none fits); returns the package to propagate. */
  async #decide(p: ResolverPackage): Promise<ResolverPackage> {
    const range = this.#solution.term(p).range;
    if (p.kind === "root") {
      const { dependencies, edges, written } = this.#dependenciesOf(
        p,
        this.#rootRequirements,
        undefined,
      );
      this.#checkFork(edges);
      const [deferred] = this.#deferredUrls;
      if (deferred !== undefined) {
        // The markers of its URL requirements differ, yet do not separate them here.
        throw new PuffinError(
          "conflicting-urls",
          `Requirements contain conflicting URLs for package \`${deferred}\` in the environments where \`${this.#fork}\``,
        );
      }
      this.#choose(p, ROOT_VERSION, dependencies, edges, written);
      return p;
    }
    if (p.kind === "python") {
      if (range.contains(this.#pythonVersion)) {
        this.#solution.addDecision(
          p,
          this.#pythonVersion,
          VersionRange.singleton(this.#pythonVersion),
        );
      } else {
        this.#addIncompatibility(Incompatibility.noVersions(p, range));
      }
      return p;
    }
    const versions = await this.#versionsOf(p.name);
    if (versions.kind === "not-found") {
      this.#addIncompatibility(
        Incompatibility.notFound(p, VersionRange.full(), versions.reason, versions.url === true),
      );
      return p;
    }
    const candidate = this.#selector.select(p.name, versions.candidates, range);
    if (candidate === undefined) {
      this.#addIncompatibility(Incompatibility.noVersions(p, range));
      return p;
    }
    const exact = VersionRange.singleton(candidate.version);
    if (candidate.unavailable !== undefined) {
      this.#addIncompatibility(
        Incompatibility.unavailable(p, candidate.version, exact, candidate.unavailable),
      );
      return p;
    }
    const result = await this.#dependenciesAt(p.name, candidate.version);
    if (result.kind === "unavailable") {
      this.#addIncompatibility(
        Incompatibility.unavailable(p, candidate.version, exact, result.reason),
      );
      return p;
    }
    const { dependencies, edges, written } = this.#dependenciesOf(
      p,
      result.requirements,
      candidate.version,
    );
    if (result.requiresPython !== undefined) {
      const python = pythonRange(result.requiresPython);
      if (!python.isFull()) dependencies.set(this.#table.python, python);
      this.#checkPythonFork(p.name, python);
    }
    // A package that depends on itself: fine when it accepts its own version, else unusable.
    const self = dependencies.get(p);
    if (self !== undefined) {
      dependencies.delete(p);
      if (!self.contains(candidate.version)) {
        this.#addIncompatibility(
          Incompatibility.unavailable(
            p,
            candidate.version,
            exact,
            `it depends on itself at ${self}`,
          ),
        );
        return p;
      }
    }
    this.#checkFork(edges);
    this.#choose(p, candidate.version, dependencies, edges, written);
    return p;
  }

  /**
   * In a universal resolution, stops with a `ForkSplit` when the version about to be chosen
   * needs a newer Python than the fork's lowest, which the fork has (`splitOnPython`) — unless
   * the package's lowest version is wanted, where the fork's lowest Python decides.
   */
  #checkPythonFork(name: PackageName, needs: VersionRange): void {
    if (this.#fork === undefined || needs.contains(this.#pythonVersion)) return;
    if (this.#selector.prefersLowest(name)) return;
    const forks = splitOnPython(this.#fork, needs, this.#resolutionMode);
    if (forks !== undefined) throw new ForkSplit(forks);
  }

  /**
   * In a universal resolution, stops with a `ForkSplit` when the requirements about to be
   * added call for different resolutions in different parts of the fork (see `splitFork`).
   */
  #checkFork(edges: Edges): void {
    if (this.#fork === undefined) return;
    const forks = splitFork(this.#fork, edges, this.#resolutionMode);
    if (forks !== undefined) throw new ForkSplit(forks);
  }

  /**
   * Records `p`'s dependencies at `version` as incompatibilities and decides `version` unless
   * one of them is already violated (then propagation finds the conflict).
   */
  #choose(
    p: ResolverPackage,
    version: Version,
    dependencies: Dependencies,
    edges: Edges,
    written: Written,
  ): void {
    const exact = VersionRange.singleton(version);
    let violated = false;
    for (const [dependency, range] of dependencies) {
      const incompatibility = Incompatibility.dependency(
        p,
        exact,
        dependency,
        range,
        written.get(dependency),
      );
      this.#addIncompatibility(incompatibility);
      // With `p` at `version`, the dependency term is the only one left: violated when the
      // partial solution already excludes the range entirely.
      if (!violated) {
        violated =
          range.isEmpty() || this.#solution.term(dependency).isSubsetOf(Term.negative(range));
      }
      this.#prefetch(dependency, range);
    }
    if (!violated) {
      log.debug(() => `Selecting ${packageLabel(p)}==${version}`);
      this.#solution.addDecision(p, version, exact);
      this.#chosen.set(p, dependencies);
      this.#edges.set(p, edges);
    } else {
      log.trace(() => `Not selecting ${packageLabel(p)}==${version}: a dependency conflicts`);
    }
  }

  /**
   * The dependencies a package's requirements give it where the resolution is for: overrides
   * substituted, markers applied (with `p`'s extra for an extra package, whose own base
   * requirements come through its dependency on the base package), constraints applied, and
   * an extra package pinned to its base package's version; with the requirements they come
   * from and the markers those apply under.
   */
  #dependenciesOf(
    p: ResolverPackage,
    requirements: readonly Requirement[],
    version: Version | undefined,
  ): { dependencies: Dependencies; edges: Edges; written: Written } {
    const dependencies: Dependencies = new Map();
    const edges: Edges = [];
    const written: Written = new Map();
    const add = (q: ResolverPackage, range: VersionRange, text: WrittenRequirement) => {
      const existing = dependencies.get(q);
      dependencies.set(q, existing === undefined ? range : existing.intersection(range));
      const texts = written.get(q) ?? [];
      if (!texts.some((t) => t.version === text.version && t.where === text.where))
        texts.push(text);
      written.set(q, texts);
    };
    const extra = p.kind === "extra" ? p.extra : undefined;
    for (const declared of requirements) {
      const marker = this.#scope.applies(declared.marker, extra);
      if (marker === undefined) continue;
      const replacements = this.#overrides.get(declared.name) ?? [declared];
      for (const requirement of replacements) {
        let range: VersionRange;
        if (requirement.version.kind === "url") {
          if (!this.#deferredUrls.has(requirement.name)) this.#checkUrl(p, version, requirement);
          range = VersionRange.full();
        } else {
          range = VersionRange.fromSpecifiers(requirement.version.specifiers);
        }
        const constraint = this.#constraints.get(requirement.name);
        if (constraint !== undefined) range = range.intersection(constraint);
        const where = p.kind === "root" ? this.#labels.get(declared) : undefined;
        const text: WrittenRequirement = {
          version: writtenVersion(requirement),
          ...(where === undefined ? {} : { where }),
        };
        add(this.#table.package(requirement.name), range, text);
        edges.push({ to: { name: requirement.name, extra: undefined }, marker, range });
        for (const e of requirement.extras) {
          add(this.#table.extra(requirement.name, e), range, text);
          edges.push({ to: { name: requirement.name, extra: e }, marker, range });
        }
      }
    }
    if (p.kind === "extra" && version !== undefined) {
      add(this.#table.package(p.name), VersionRange.singleton(version), {
        version: `==${version}`,
      });
      edges.push({
        to: { name: p.name, extra: undefined },
        marker: MarkerSet.TRUE,
        range: VersionRange.singleton(version),
      });
    }
    // A constraint narrows what is required: said with the requirement (`a>=1 (constrained: <2)`).
    for (const [q, texts] of written) {
      if (q.kind !== "package" && q.kind !== "extra") continue;
      const constraint = this.#constraintTexts.get(q.name);
      if (constraint === undefined) continue;
      written.set(
        q,
        texts.map((t) => ({ ...t, version: `${t.version} (constrained: ${constraint})` })),
      );
    }
    return { dependencies, edges, written };
  }

  // -------------------------------------------------------------------------------------------
  // URLs

  /**
   * A universal resolution may take one package from different URLs in disjoint environments
   * (`a @ URL1 ; sys_platform == 'linux'`, `a @ URL2 ; sys_platform == 'darwin'`), as uv does:
   * such names are not declared in a fork where their requirements' markers differ, so the
   * root's requirements split it (`splitFork`) and each part declares its own URL.
   */
  #deferUrls(topLevel: readonly Requirement[]): void {
    const fork = this.#fork;
    if (fork === undefined) return;
    const byName = new Map<PackageName, Requirement[]>();
    for (const r of topLevel) {
      if (r.version.kind === "url") byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
    }
    for (const [name, list] of byName) {
      const urls = new Set(
        list.map((r) => (r.version.kind === "url" ? r.version.url.url.href : "")),
      );
      const markers = list.map((r) => MarkerSet.from(r.marker).and(fork));
      if (urls.size > 1 && markers.some((m) => !m.equals(markers[0]!))) {
        this.#deferredUrls.add(name);
      }
    }
  }

  #declareUrl(requirement: Requirement): void {
    if (requirement.version.kind !== "url") return;
    const url = requirement.version.url;
    const existing = this.#urls.get(requirement.name);
    if (existing !== undefined && !sameUrl(existing, url)) {
      throw new PuffinError(
        "conflicting-urls",
        `Requirements contain conflicting URLs for package \`${requirement.name}\`: \`${existing.redacted()}\` and \`${url.redacted()}\``,
      );
    }
    this.#urls.set(requirement.name, url);
  }

  /** A URL requirement below the top level must repeat a URL the user declared. */
  #checkUrl(parent: ResolverPackage, version: Version | undefined, requirement: Requirement): void {
    if (requirement.version.kind !== "url") return;
    const url = requirement.version.url;
    const declared = this.#urls.get(requirement.name);
    if (declared !== undefined && sameUrl(declared, url)) return;
    const by =
      parent.kind === "root"
        ? "your requirements"
        : `\`${packageLabel(parent)}${version === undefined ? "" : `==${version}`}\``;
    if (declared !== undefined) {
      throw new PuffinError(
        "conflicting-urls",
        `\`${requirement.name}\` is required from \`${url.redacted()}\` by ${by}, but your requirements declare it as \`${declared.redacted()}\``,
      );
    }
    throw new PuffinError(
      "undeclared-url",
      `\`${requirement.name}\` is required from the URL \`${url.redacted()}\` by ${by}, which only your own requirements may do`,
      {
        hint: `Add \`${requirement.name} @ ${redactCredentials(url.given)}\` to your requirements`,
      },
    );
  }

  // -------------------------------------------------------------------------------------------
  // Provider access: requests start early and are awaited only when the answer is needed

  #requestVersions(name: PackageName): Promise<VersionsResult> {
    let request = this.#versionRequests.get(name);
    if (request === undefined) {
      const url = this.#urls.get(name);
      request =
        url === undefined
          ? this.#provider.listVersions(name)
          : this.#provider.getUrlMetadata(name, url).then((meta): VersionsResult => {
              if (meta.kind === "unavailable") {
                return { kind: "not-found", reason: meta.reason, url: true };
              }
              const key = versionKey(name, meta.version);
              this.#dependencies.set(key, meta.dependencies);
              this.#dependencyRequests.set(key, Promise.resolve(meta.dependencies));
              return { kind: "found", candidates: [{ version: meta.version }] };
            });
      request.then(
        (result) => this.#versions.set(name, result),
        () => undefined, // awaited (and thrown) by #versionsOf when needed
      );
      this.#versionRequests.set(name, request);
    }
    return request;
  }

  async #versionsOf(name: PackageName): Promise<VersionsResult> {
    return this.#versions.get(name) ?? (await this.#requestVersions(name));
  }

  #requestDependencies(name: PackageName, version: Version): Promise<DependenciesResult> {
    const key = versionKey(name, version);
    let request = this.#dependencyRequests.get(key);
    if (request === undefined) {
      request = this.#provider.getDependencies(name, version);
      request.then(
        (result) => this.#dependencies.set(key, result),
        () => undefined, // awaited (and thrown) by #dependenciesAt when needed
      );
      this.#dependencyRequests.set(key, request);
    }
    return request;
  }

  async #dependenciesAt(name: PackageName, version: Version): Promise<DependenciesResult> {
    return (
      this.#dependencies.get(versionKey(name, version)) ??
      (await this.#requestDependencies(name, version))
    );
  }

  /**
   * Starts fetching what deciding `p` will need: its versions, then the dependencies of the
   * candidate `range` would select. Failures surface when the answer is awaited.
   */
  #prefetch(p: ResolverPackage, range: VersionRange): void {
    if (p.kind !== "package" && p.kind !== "extra") return;
    const name = p.name;
    const settled = this.#versions.get(name);
    if (settled !== undefined) {
      this.#prefetchCandidate(name, settled, range);
      return;
    }
    this.#requestVersions(name).then(
      (result) => this.#prefetchCandidate(name, result, range),
      () => undefined,
    );
  }

  #prefetchCandidate(name: PackageName, result: VersionsResult, range: VersionRange): void {
    if (result.kind !== "found") return;
    const candidate: Candidate | undefined = this.#selector.select(name, result.candidates, range);
    if (candidate !== undefined && candidate.unavailable === undefined) {
      this.#requestDependencies(name, candidate.version).catch(() => undefined);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Results

  #resolution(): SolverResult {
    const decisions = this.#solution.decisions();
    const extras = new Map<PackageName, ExtraName[]>();
    const dependents = new Map<PackageName, Set<PackageName>>();
    const direct = new Set<PackageName>();
    for (const [p] of decisions) {
      if (p.kind === "extra") extras.set(p.name, [...(extras.get(p.name) ?? []), p.extra]);
      const from = p.kind === "package" || p.kind === "extra" ? p.name : undefined;
      for (const [q] of this.#chosen.get(p) ?? []) {
        if (q.kind !== "package" && q.kind !== "extra") continue;
        if (from === undefined) {
          if (p.kind === "root") direct.add(q.name);
          continue;
        }
        if (q.name === from) continue;
        let set = dependents.get(q.name);
        if (set === undefined) {
          set = new Set();
          dependents.set(q.name, set);
        }
        set.add(from);
      }
    }
    const packages: SolvedPackage[] = [];
    for (const [p, version] of decisions) {
      if (p.kind !== "package") continue;
      packages.push({
        name: p.name,
        version,
        url: this.#urls.get(p.name),
        extras: (extras.get(p.name) ?? []).sort(),
        direct: direct.has(p.name),
        dependents: [...(dependents.get(p.name) ?? [])].sort(),
      });
    }
    packages.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const edges: SolvedEdge[] = [];
    for (const [p] of decisions) {
      if (p.kind !== "root" && p.kind !== "package" && p.kind !== "extra") continue;
      const from: SolvedNode | undefined =
        p.kind === "root"
          ? undefined
          : { name: p.name, extra: p.kind === "extra" ? p.extra : undefined };
      for (const edge of this.#edges.get(p) ?? []) {
        edges.push({ from, to: edge.to, marker: edge.marker });
      }
    }
    return { packages, edges };
  }

  #reportContext(): ReportContext {
    return {
      root: this.#table.root,
      pythonVersion: this.#pythonVersion,
      candidates: (p: NamedPackage) => {
        const versions = this.#versions.get(p.name);
        return versions?.kind === "found" ? versions.candidates : undefined;
      },
      note: (p: NamedPackage) => {
        const versions = this.#versions.get(p.name);
        return versions?.kind === "found" ? versions.note : undefined;
      },
      selector: this.#selector,
    };
  }
}

/** A requirement's version part as written (normalized): `>=2,<3`, `@ URL`, or `` for any. */
function writtenVersion(requirement: Requirement): string {
  const { version } = requirement;
  return version.kind === "url" ? ` @ ${version.url.redacted()}` : asWritten(version.specifiers);
}

/** Specifiers in the order they were written, each normalized (`>=3,<4`). */
function asWritten(specifiers: VersionSpecifiers): string {
  return specifiers.specifiers.map((s) => s.toString()).join(",");
}

function sameUrl(a: VerbatimUrl, b: VerbatimUrl): boolean {
  return a.url.href === b.url.href;
}
