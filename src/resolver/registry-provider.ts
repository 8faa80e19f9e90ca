import type { RegistryClient } from "../client/index.ts";
import type { DistributionDatabase } from "../distribution/index.ts";
import {
  type DirectDist,
  type Dist,
  isBuiltDist,
  type RegistryDist,
  type RegistryFile,
  Resolution,
  type ResolvedDist,
  registryDistOf,
} from "../distribution-types/index.ts";
import type { PackageName } from "../normalize/index.ts";
import type { Version } from "../pep440/index.ts";
import type { VerbatimUrl } from "../pep508/index.ts";
import { formatTag } from "../platform-tags/index.ts";
import type { Metadata } from "../pypi-types/index.ts";
import { errorCategory, PuffinError, redactCredentials, Semaphore } from "../support/index.ts";
import { type FilePolicy, groupVersionFiles, type VersionFiles } from "./candidate-files.ts";
import type {
  DependenciesResult,
  DependencyProvider,
  UrlMetadataResult,
  VersionsResult,
} from "./provider.ts";
import { isUniversal, type ResolverTarget, type UniversalTarget } from "./resolver-target.ts";
import type { SolvedPackage, SolverResult } from "./solver.ts";

export interface RegistryProviderOptions {
  readonly client: RegistryClient;
  /** One environment, or every environment (universal: every wheel counts). */
  readonly target: ResolverTarget | UniversalTarget;
  /** Files uploaded at or after this instant are left out (see `groupVersionFiles`). */
  readonly excludeNewer?: Date;
  /** `--no-binary` / `--only-binary`: `":all:"` or package names; default none. */
  readonly noBinary?: readonly (PackageName | ":all:")[];
  readonly onlyBinary?: readonly (PackageName | ":all:")[];
  /** Reads every candidate's metadata: wheels from the index, sources through builds. */
  readonly database: DistributionDatabase;
  /** The packages requested as editable (`-e`): their URL requirements are located so. */
  readonly editables?: ReadonlySet<PackageName> | undefined;
  /** Index pages and METADATA reads in flight at once; default 50. */
  readonly concurrency?: number;
}

const DEFAULT_CONCURRENCY = 50;

/**
 * The `DependencyProvider` over a `RegistryClient` and the `DistributionDatabase`: versions from
 * the simple API (and find-links), dependencies from the metadata of each version's most
 * preferred file (a wheel's from the index, an sdist's through the database's builds), URL
 * requirements located and read through the database. After a solve, `resolution` turns the
 * chosen versions into the `Resolution` the installer takes: each package with the file chosen
 * for the target.
 *
 * Prefetching: the solver calls `listVersions` and `getDependencies` ahead of need, so each call
 * starts its fetch at once; index pages and METADATA reads share one `Semaphore` that keeps up
 * to `concurrency` of them in flight. Answers are memoized for the provider's lifetime (a map of
 * promises: concurrent and later calls for one key share one fetch, and the answer cannot change
 * during a resolution). A warm cache answers from disk without a request (`RegistryClient`).
 */
export class RegistryProvider implements DependencyProvider {
  readonly #client: RegistryClient;
  readonly #target: ResolverTarget | UniversalTarget;
  readonly #options: RegistryProviderOptions;
  readonly #limit: Semaphore;
  readonly #versions = new Map<PackageName, Promise<VersionFiles[] | undefined>>();
  readonly #dependencies = new Map<string, Promise<DependenciesResult>>();
  /** URL requirements, located and named, by package and URL. */
  readonly #urlDists = new Map<string, Promise<DirectDist>>();

  constructor(options: RegistryProviderOptions) {
    this.#client = options.client;
    this.#target = options.target;
    this.#options = options;
    this.#limit = new Semaphore(options.concurrency ?? DEFAULT_CONCURRENCY);
  }

  /** The most index pages and METADATA reads that were in flight at once. */
  get peakConcurrency(): number {
    return this.#limit.peak;
  }

  async listVersions(name: PackageName): Promise<VersionsResult> {
    const versions = await this.#versionFiles(name);
    if (versions === undefined) {
      return { kind: "not-found", reason: this.#notFoundReason(name) };
    }
    const rank = await this.#indexRank(name);
    return {
      kind: "found",
      candidates: versions.map((v) => ({
        version: v.version,
        ...(v.yanked ? { yanked: true } : {}),
        ...(v.unavailable === undefined ? {} : { unavailable: v.unavailable }),
        ...(rank === undefined ? {} : { rank: rank(v.version) }),
      })),
      ...(versions.length === 0 ? { note: await this.#emptyNote(name) } : {}),
    };
  }

  /**
   * Under `unsafe-first-match`, each version's index rank (0: the first index that has the
   * package): the selector exhausts one index's versions before the next's. A version only
   * find-links lists ranks with the first index (find-links files join its candidates).
   * Undefined under the other strategies, where the index does not order the versions.
   */
  async #indexRank(name: PackageName): Promise<((version: Version) => number) | undefined> {
    if (this.#client.locations.strategy !== "unsafe-first-match") return undefined;
    const listed = await this.#client.simple(name);
    if (listed.indexes.length < 2) return undefined;
    const ranks = new Map<string, { version: Version; rank: number }>();
    for (const file of listed.files) {
      const dist = file.file.distFilename;
      if (file.origin.kind !== "index" || dist.kind === "legacy") continue;
      const { index } = file.origin;
      const rank = Math.max(listed.indexes.indexOf(index), 0);
      const key = dist.filename.version.toString();
      if (!ranks.has(key)) ranks.set(key, { version: dist.filename.version, rank });
    }
    return (version) =>
      (
        ranks.get(version.toString()) ??
        [...ranks.values()].find((entry) => entry.version.equals(version))
      )?.rank ?? 0;
  }

  /**
   * Why a package that an index has shows no version at all: the index's page listed no
   * distribution files (an empty project, or a page that is not really a simple-API page).
   */
  async #emptyNote(name: PackageName): Promise<string> {
    const { index } = await this.#client.simple(name);
    if (index === undefined) return `The find-links locations list no distribution of \`${name}\``;
    const page = redactCredentials(index.projectUrl(name));
    return `The index page ${page} was read but lists no files for \`${name}\` (an empty project, or not a simple-API page)`;
  }

  getDependencies(name: PackageName, version: Version): Promise<DependenciesResult> {
    const key = `${name} ${version}`;
    let request = this.#dependencies.get(key);
    if (request === undefined) {
      request = this.#readDependencies(name, version);
      this.#dependencies.set(key, request);
    }
    return request;
  }

  async getUrlMetadata(name: PackageName, url: VerbatimUrl): Promise<UrlMetadataResult> {
    const dist = await this.#urlDist(name, url);
    if (dist.kind === "url-wheel" || dist.kind === "path-wheel") {
      if (dist.filename.name !== name) {
        return {
          kind: "unavailable",
          reason: `is given as ${url.redacted()}, which is a wheel of ${dist.filename.name}`,
        };
      }
      if (!isUniversal(this.#target) && !dist.filename.isCompatible(this.#target.tags)) {
        const best = this.#target.tags.tags[0];
        const target = best === undefined ? "this platform" : formatTag(best);
        return {
          kind: "unavailable",
          reason: `is given as the wheel ${url.redacted()}, which is not compatible with ${target}`,
        };
      }
    }
    const read = await this.#readMetadata(dist);
    if (read.kind === "unavailable") return read;
    return {
      kind: "found",
      version: read.metadata.version,
      dependencies: dependenciesOf(read.metadata),
    };
  }

  /**
   * The solved packages as the installer's `Resolution`: a registry version with its most
   * preferred usable file for the target, a URL requirement as located.
   */
  async resolution(solved: SolverResult): Promise<Resolution> {
    const dists = await Promise.all(
      solved.packages.map(async (p): Promise<ResolvedDist> => {
        const dist = await this.dist(p);
        return {
          dist,
          version: p.version,
          requested: p.direct,
          extras: p.extras,
          dependents: p.dependents,
        };
      }),
    );
    return new Resolution(dists);
  }

  /**
   * The distribution of a solved package: a registry version with its most preferred usable
   * file (for a universal target: its first wheel, else its sdist), a URL requirement as located.
   */
  dist(p: Pick<SolvedPackage, "name" | "version" | "url">): Promise<Dist> {
    return p.url === undefined
      ? this.registryDist(p.name, p.version)
      : this.#urlDist(p.name, p.url);
  }

  #urlDist(name: PackageName, url: VerbatimUrl): Promise<DirectDist> {
    const key = `${name}\0${url.given}`;
    let located = this.#urlDists.get(key);
    if (located === undefined) {
      const { database } = this.#options;
      const editable = this.#options.editables?.has(name) === true;
      located = database.locate(url, { editable }).then((source) => database.named(source, name));
      this.#urlDists.set(key, located);
    }
    return located;
  }

  /** The distribution of a listed version: its most preferred usable file for the target. */
  async registryDist(name: PackageName, version: Version): Promise<RegistryDist> {
    const file = await this.bestFile(name, version);
    if (file === undefined) {
      throw new PuffinError(
        "no-matching-distribution",
        `No file of \`${name}==${version}\` that this environment can install was found`,
      );
    }
    return registryDist(name, file);
  }

  /**
   * The file to install for a resolved version: the most preferred compatible wheel, else an
   * sdist (if allowed), else undefined.
   */
  async bestFile(name: PackageName, version: Version): Promise<RegistryFile | undefined> {
    return (await this.#versionOf(name, version))?.usable[0];
  }

  /**
   * Every file of `version` the target can use (compatible wheels and sdists, within
   * `--no-binary`/`--only-binary`, `Requires-Python` and yanked status), sorted by filename:
   * what `--generate-hashes` lists.
   */
  async usableFiles(name: PackageName, version: Version): Promise<RegistryFile[]> {
    return byFilename((await this.#versionOf(name, version))?.usable ?? []);
  }

  /**
   * Every file of `version` that the resolution's settings do not exclude, for every platform
   * and Python: wheels (unless `--no-binary`) and sdists (unless `--only-binary`/`--no-build`),
   * within `--exclude-newer`, yanked ones only when the version is yanked (see
   * `VersionFiles.distributable`); sorted by filename. What `--generate-hashes` lists, as uv
   * does, so that one hash file serves macOS, Windows and every Python; and the files of a lock.
   * Empty for a version no index lists.
   */
  async distributionFiles(name: PackageName, version: Version): Promise<RegistryFile[]> {
    return byFilename((await this.#versionOf(name, version))?.distributable ?? []);
  }

  /**
   * PEP 592: whether `version` is yanked for the target (every file it could be installed from
   * is), with the index's reason when a file gives one; undefined when it is not yanked or no
   * index lists it.
   */
  async yanked(
    name: PackageName,
    version: Version,
  ): Promise<{ readonly reason: string | undefined } | undefined> {
    const files = await this.#versionOf(name, version);
    if (files === undefined || !files.yanked) return undefined;
    const reasons = [...files.usable, ...files.distributable].map((f) => f.file.yanked?.reason);
    return { reason: reasons.find((reason) => reason !== undefined) };
  }

  async #versionOf(name: PackageName, version: Version): Promise<VersionFiles | undefined> {
    return (await this.#versionFiles(name))?.find((v) => v.version.equals(version));
  }

  /** The package's versions judged for the target, or undefined when no location has it. */
  #versionFiles(name: PackageName): Promise<VersionFiles[] | undefined> {
    let request = this.#versions.get(name);
    if (request === undefined) {
      request = this.#limit.run(async () => {
        const listed = await this.#client.simple(name);
        if (listed.index === undefined && listed.files.length === 0) return undefined;
        return groupVersionFiles(listed.files, this.#policy(name));
      });
      this.#versions.set(name, request);
    }
    return request;
  }

  #policy(name: PackageName): FilePolicy {
    const names = (list: readonly (PackageName | ":all:")[] | undefined) =>
      list !== undefined && (list.includes(":all:") || list.includes(name));
    return {
      tags: isUniversal(this.#target) ? undefined : this.#target.tags,
      pythonVersion: isUniversal(this.#target) ? undefined : this.#target.pythonVersion,
      excludeNewer: this.#options.excludeNewer,
      noBinary: names(this.#options.noBinary),
      // pip: a name in both lists is `--no-binary`'s when named explicitly in it.
      onlyBinary: names(this.#options.onlyBinary) && !this.#options.noBinary?.includes(name),
    };
  }

  #notFoundReason(name: PackageName): string {
    const locations = this.#client.locations;
    const where = [
      ...locations.indexes().map((index) => index.redacted),
      ...locations.findLinks.map((l) => (l.kind === "path" ? l.path : l.redacted)),
    ];
    return where.length === 0
      ? `No index or find-links location is configured, so \`${name}\` cannot be found`
      : `No index has a project named \`${name}\` (looked in ${where.join(", ")})`;
  }

  async #readDependencies(name: PackageName, version: Version): Promise<DependenciesResult> {
    const versionFiles = await this.#versionOf(name, version);
    if (versionFiles === undefined) {
      throw new PuffinError(
        "unknown-version",
        `The resolver asked for the dependencies of ${name}==${version}, which no index lists`,
      );
    }
    if (versionFiles.unavailable !== undefined) {
      return { kind: "unavailable", reason: versionFiles.unavailable };
    }
    const file = versionFiles.usable[0];
    if (file === undefined) {
      return { kind: "unavailable", reason: "has no usable file" };
    }
    const read = await this.#readMetadata(registryDist(name, file));
    if (read.kind === "unavailable") return read;
    return dependenciesOf(read.metadata);
  }

  /**
   * The metadata of a candidate through the database: a wheel's under the concurrency limit,
   * a source's outside it (a build may resolve and fetch itself). A broken wheel is an
   * `unavailable` answer naming the problem; other failures reject.
   */
  async #readMetadata(
    dist: Dist,
  ): Promise<{ kind: "read"; metadata: Metadata } | { kind: "unavailable"; reason: string }> {
    const { database } = this.#options;
    if (!isBuiltDist(dist)) return { kind: "read", metadata: await database.metadata(dist) };
    try {
      return { kind: "read", metadata: await this.#limit.run(() => database.metadata(dist)) };
    } catch (error) {
      if (error instanceof PuffinError && isBrokenWheel(error)) {
        if (dist.kind !== "registry-wheel") {
          // The one file the user pointed at is broken: nothing else can stand in for it, and
          // "not found in the package registry" would send them looking in the wrong place.
          throw new PuffinError(
            "invalid-wheel",
            `\`${dist.name} @ ${dist.url.redacted()}\` is not a valid wheel`,
            { cause: error },
          );
        }
        return {
          kind: "unavailable",
          reason: `has unusable metadata in ${dist.file.file.filename}: ${brokenReason(error)}`,
        };
      }
      throw error;
    }
  }
}

function byFilename(files: readonly RegistryFile[]): RegistryFile[] {
  return [...files].sort((a, b) =>
    a.file.filename < b.file.filename ? -1 : a.file.filename > b.file.filename ? 1 : 0,
  );
}

/** A listed file as the distribution the installer takes. */
function registryDist(name: PackageName, file: RegistryFile): RegistryDist {
  const dist = registryDistOf(name, file);
  if (dist !== undefined) return dist;
  throw new PuffinError(
    "not-a-distribution",
    `${file.file.filename} is a legacy format Puffin cannot install`,
  );
}

function dependenciesOf(metadata: Metadata): DependenciesResult {
  return {
    kind: "available",
    requirements: metadata.requiresDist,
    requiresPython: metadata.requiresPython,
    providesExtra: metadata.providesExtra,
  };
}

/**
 * Whether a METADATA read failed because the wheel is broken (a `broken-artifact`: a bad zip, a
 * missing or malformed METADATA, one for another project…), not because the network, the index
 * or a hash check failed: the version becomes unavailable with the reason instead of aborting
 * the resolution (uv does the same: one bad upload must not make a whole project unresolvable).
 */
function isBrokenWheel(error: PuffinError): boolean {
  return errorCategory(error.code) === "broken-artifact";
}

/** The innermost messages of a broken wheel's error chain, joined: what is actually wrong. */
function brokenReason(error: PuffinError): string {
  const messages: string[] = [];
  let current: unknown = error;
  while (current instanceof Error) {
    messages.push(current.message);
    current = current.cause;
  }
  return messages.join(": ");
}
