import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import type { RegistryClient } from "../client/index.ts";
import type { RegistryFile } from "../distribution-types/index.ts";
import type { PackageName } from "../normalize/index.ts";
import type { Version } from "../pep440/index.ts";
import type { VerbatimUrl } from "../pep508/index.ts";
import { formatTag } from "../platform-tags/index.ts";
import { type Metadata, simpleFileFromLink } from "../pypi-types/index.ts";
import { PuffinError, redactCredentials, Semaphore } from "../support/index.ts";
import { type FilePolicy, groupVersionFiles, type VersionFiles } from "./candidate-files.ts";
import type {
  DependenciesResult,
  DependencyProvider,
  UrlMetadataResult,
  VersionsResult,
} from "./provider.ts";
import type { ResolverTarget } from "./resolver-target.ts";

export interface RegistryProviderOptions {
  readonly client: RegistryClient;
  readonly target: ResolverTarget;
  /** Files uploaded at or after this instant are left out (see `groupVersionFiles`). */
  readonly excludeNewer?: Date;
  /** `--no-binary` / `--only-binary`: `":all:"` or package names; default none. */
  readonly noBinary?: readonly (PackageName | ":all:")[];
  readonly onlyBinary?: readonly (PackageName | ":all:")[];
  /**
   * How to read an sdist's metadata (the build issue plugs a builder in). Absent: a version
   * whose only usable files are sdists is `unavailable` ("… building source distributions is
   * not supported yet"), and so is a URL requirement on an sdist.
   */
  readonly sourceMetadata?: (file: RegistryFile) => Promise<Metadata>;
  /**
   * How to read the metadata of a URL requirement that names no wheel: an sdist URL or path, a
   * project directory, a git repository (the distribution layer builds or reads them). Absent:
   * such a requirement is `unavailable` ("… not supported yet"), as is an sdist URL without
   * `sourceMetadata`.
   */
  readonly sourceUrlMetadata?: (name: PackageName, url: VerbatimUrl) => Promise<Metadata>;
  /** Index pages and METADATA reads in flight at once; default 50. */
  readonly concurrency?: number;
}

const DEFAULT_CONCURRENCY = 50;

/**
 * Error codes of a METADATA read that mean "this wheel is broken", not "the network or the
 * index failed": the version becomes unavailable with the reason instead of aborting the
 * resolution (uv does the same: one bad upload must not make a whole project unresolvable).
 */
const BROKEN_WHEEL_CODES: ReadonlySet<string> = new Set([
  "invalid-wheel-metadata",
  "wheel-metadata-mismatch",
  "wheel-metadata-missing",
  "wheel-dist-info-missing",
  "wheel-dist-info-ambiguous",
  "unsupported-metadata-version",
  "invalid-wheel-filename",
]);

/**
 * The `DependencyProvider` over a `RegistryClient`: versions from the simple API (and
 * find-links), dependencies from the METADATA of each version's most preferred file.
 *
 * Prefetching: the solver calls `listVersions` and `getDependencies` ahead of need, so each call
 * starts its fetch at once; index pages and METADATA reads share one `Semaphore` that keeps up
 * to `concurrency` of them in flight. Answers are memoized for the provider's lifetime (a map of
 * promises: concurrent and later calls for one key share one fetch, and the answer cannot change
 * during a resolution). A warm cache answers from disk without a request (`RegistryClient`).
 */
export class RegistryProvider implements DependencyProvider {
  readonly #client: RegistryClient;
  readonly #target: ResolverTarget;
  readonly #options: RegistryProviderOptions;
  readonly #limit: Semaphore;
  readonly #versions = new Map<PackageName, Promise<VersionFiles[] | undefined>>();
  readonly #dependencies = new Map<string, Promise<DependenciesResult>>();

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
    return {
      kind: "found",
      candidates: versions.map((v) => ({
        version: v.version,
        ...(v.yanked ? { yanked: true } : {}),
        ...(v.unavailable === undefined ? {} : { unavailable: v.unavailable }),
      })),
      ...(versions.length === 0 ? { note: await this.#emptyNote(name) } : {}),
    };
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
    const shown = url.redacted();
    const protocol = url.url.protocol;
    const sourceUrlMetadata = this.#options.sourceUrlMetadata;
    if (sourceUrlMetadata !== undefined && !isWheelUrl(url)) {
      const metadata = await sourceUrlMetadata(name, url);
      return { kind: "found", version: metadata.version, dependencies: dependenciesOf(metadata) };
    }
    if (protocol !== "http:" && protocol !== "https:" && protocol !== "file:") {
      return {
        kind: "unavailable",
        reason: `is given as ${shown}, and building from version control is not supported yet`,
      };
    }
    const file = urlFile(url, name);
    if (file === undefined) {
      return {
        kind: "unavailable",
        reason: `is given as ${shown}, which is not a wheel or source distribution of ${name}; building source trees is not supported yet`,
      };
    }
    const dist = file.file.distFilename;
    if (dist.kind !== "wheel" && dist.kind !== "sdist") {
      return {
        kind: "unavailable",
        reason: `is given as ${shown}, a format Puffin cannot install`,
      };
    }
    if (dist.filename.name !== name) {
      return {
        kind: "unavailable",
        reason: `is given as ${shown}, which is a distribution of ${dist.filename.name}`,
      };
    }
    if (dist.kind === "wheel" && !dist.filename.isCompatible(this.#target.tags)) {
      const best = this.#target.tags.tags[0];
      const target = best === undefined ? "this platform" : formatTag(best);
      return {
        kind: "unavailable",
        reason: `is given as the wheel ${shown}, which is not compatible with ${target}`,
      };
    }
    const read = await this.#readMetadata(file, async () => {
      try {
        return await (protocol === "file:"
          ? this.#client.localWheelMetadata(fileURLToPath(url.url))
          : this.#client.wheelMetadata(file));
      } catch (error) {
        // The one file the user pointed at is broken: nothing else can stand in for it, and
        // "not found in the package registry" would send them looking in the wrong place.
        if (error instanceof PuffinError && isBrokenWheel(error)) {
          throw new PuffinError("invalid-wheel", `\`${name} @ ${shown}\` is not a valid wheel`, {
            cause: error,
            hint: "Rebuild the wheel, or point at another file",
          });
        }
        throw error;
      }
    });
    if (read.kind === "unavailable") return read;
    return {
      kind: "found",
      version: read.metadata.version,
      dependencies: dependenciesOf(read.metadata),
    };
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
    const files = (await this.#versionOf(name, version))?.usable ?? [];
    return [...files].sort((a, b) =>
      a.file.filename < b.file.filename ? -1 : a.file.filename > b.file.filename ? 1 : 0,
    );
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
      tags: this.#target.tags,
      pythonVersion: this.#target.pythonVersion,
      excludeNewer: this.#options.excludeNewer,
      noBinary: names(this.#options.noBinary),
      // pip: a name in both lists is `--no-binary`'s when named explicitly in it.
      onlyBinary: names(this.#options.onlyBinary) && !this.#options.noBinary?.includes(name),
      readsSources: this.#options.sourceMetadata !== undefined,
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
    // The most preferred file whose metadata can be read: a wheel, else (with a builder) an sdist.
    const file = versionFiles.usable.find(
      (f) => f.file.distFilename.kind === "wheel" || this.#options.sourceMetadata !== undefined,
    );
    if (file === undefined) {
      return { kind: "unavailable", reason: "has no usable file" };
    }
    const read = await this.#readMetadata(file, () => this.#client.wheelMetadata(file));
    if (read.kind === "unavailable") return read;
    return dependenciesOf(read.metadata);
  }

  /**
   * The metadata of `file`: a wheel's through `readWheel` under the concurrency limit, an
   * sdist's through `sourceMetadata` (outside the limit: a build may resolve and fetch itself).
   * A broken wheel is an `unavailable` answer naming the problem; other failures reject.
   */
  async #readMetadata(
    file: RegistryFile,
    readWheel: () => Promise<Metadata>,
  ): Promise<{ kind: "read"; metadata: Metadata } | { kind: "unavailable"; reason: string }> {
    if (file.file.distFilename.kind !== "wheel") {
      const sourceMetadata = this.#options.sourceMetadata;
      if (sourceMetadata === undefined) {
        return {
          kind: "unavailable",
          reason: `is only available as the source distribution ${file.file.filename}, and building source distributions is not supported yet`,
        };
      }
      return { kind: "read", metadata: await sourceMetadata(file) };
    }
    try {
      return { kind: "read", metadata: await this.#limit.run(readWheel) };
    } catch (error) {
      if (error instanceof PuffinError && isBrokenWheel(error)) {
        return {
          kind: "unavailable",
          reason: `has unusable metadata in ${file.file.filename}: ${brokenReason(error)}`,
        };
      }
      throw error;
    }
  }
}

function dependenciesOf(metadata: Metadata): DependenciesResult {
  return {
    kind: "available",
    requirements: metadata.requiresDist,
    requiresPython: metadata.requiresPython,
  };
}

/** Whether a URL requirement names a wheel file (not git, not a directory or an sdist). */
function isWheelUrl(url: VerbatimUrl): boolean {
  return !url.given.startsWith("git+") && url.url.pathname.endsWith(".whl");
}

function isBrokenWheel(error: PuffinError): boolean {
  return BROKEN_WHEEL_CODES.has(error.code) || error.code.startsWith("zip-");
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

/**
 * A URL requirement's file as a listed file, so the registry client can read it (and cache its
 * metadata under the URL). Undefined when the URL does not name a wheel or sdist file.
 */
function urlFile(url: VerbatimUrl, name: PackageName): RegistryFile | undefined {
  let file: ReturnType<typeof simpleFileFromLink>;
  try {
    file = simpleFileFromLink(
      { url: url.url.href, attributes: new Map(), text: "" },
      name,
      `the requirement \`${name}\``,
    );
  } catch (error) {
    if (error instanceof PuffinError && error.code !== "unsafe-filename") return undefined;
    throw error;
  }
  if (file === undefined) return undefined;
  if (url.url.protocol === "file:") {
    const path = dirname(fileURLToPath(file.url));
    return { file, origin: { kind: "find-links", location: { kind: "path", path } } };
  }
  const directory = new URL(".", file.url).href;
  return {
    file,
    origin: {
      kind: "find-links",
      location: { kind: "url", url: directory, redacted: redactCredentials(directory) },
    },
  };
}
