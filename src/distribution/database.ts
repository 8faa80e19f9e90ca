import { stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type BuildSource,
  buildEditable,
  builtWheel,
  cachedBuiltWheel,
  sourceMetadata,
} from "../build/index.ts";
import type { BuildContext, ConfigSettings } from "../build-context/index.ts";
import { CacheBucket } from "../cache/index.ts";
import type { HttpClient, RegistryClient } from "../client/index.ts";
import {
  type CachedDist,
  type DirectDist,
  type DirectSource,
  type Dist,
  type GitCheckout,
  isBuiltDist,
  isEditable,
  isRegistryDist,
  type RegistryFile,
  statedHashes,
} from "../distribution-types/index.ts";
import { SourceDistFilename, WheelFilename } from "../filenames/index.ts";
import { fetchGitSource, type GitSource, GitUrl } from "../git/index.ts";
import type { PackageName } from "../normalize/index.ts";
import type { VerbatimUrl } from "../pep508/index.ts";
import {
  type Digests,
  fileDigests,
  HashPolicy,
  type Metadata,
  simpleFileFromLink,
} from "../pypi-types/index.ts";
import {
  type ArchiveLimits,
  createTempDirectory,
  OnceMap,
  PuffinError,
  redactCredentials,
  removeTree,
} from "../support/index.ts";
import { type DownloadProgress, downloadFile } from "./download-file.ts";
import { HashStrategy } from "./hash-strategy.ts";
import { staticName } from "./static-name.ts";
import { WheelFetcher, type WheelRequest } from "./wheel-archives.ts";

/** What the database tells while it downloads and builds (progress). */
export interface DatabaseReporter {
  /** A download starts; `size` in bytes when the index or the server says. */
  onDownloadStart?(dist: Dist, size: number | undefined): void;
  onDownloadProgress?(dist: Dist, bytes: number): void;
  onDownloadEnd?(dist: Dist): void;
  onBuildStart?(dist: Dist): void;
  onBuildEnd?(dist: Dist, elapsedMs: number): void;
}

export interface DistributionDatabaseOptions {
  /** The build context builds run in (its interpreter decides the built wheels' tags). */
  readonly context: BuildContext;
  /** Wheel metadata (PEP 658, range requests, local wheels). */
  readonly client: RegistryClient;
  /** Downloads wheels and sdists. */
  readonly http: HttpClient;
  /** The requirements' `--hash` values and `--require-hashes`; default none. */
  readonly hashes?: HashStrategy | undefined;
  /** How much one archive may unpack to (see `unzipWheel`). */
  readonly archiveLimits?: ArchiveLimits | undefined;
  /** How git requirements are fetched (`fetchGitSource`). */
  readonly git?: {
    readonly offline?: boolean | undefined;
    readonly env?: NodeJS.ProcessEnv | undefined;
  };
  /**
   * Config settings of single packages (a requirements file's per-line `--config-settings`),
   * merged over the context's (`--config-setting`) for that package's own builds.
   */
  readonly packageConfigSettings?: ReadonlyMap<PackageName, ConfigSettings> | undefined;
  readonly reporter?: DatabaseReporter | undefined;
}

/** A wheel ready in the cache's archives, and what it took. */
export interface LocalWheel {
  readonly cached: CachedDist;
  /** `cache`: nothing to do; `download`: fetched now; `build`: built now from source. */
  readonly how: "cache" | "download" | "build";
}

/** A downloaded remote sdist: where it is for this process, and its digests. */
interface Download {
  readonly path: string;
  readonly sha256: string;
  readonly digests: Digests;
}

/** What every database derived from one (`withContext`) shares. */
interface Shared {
  readonly fetcher: WheelFetcher;
  readonly downloads: OnceMap<string, Download>;
  readonly gits: OnceMap<string, GitSource>;
  /** Metadata read to name an unnamed source, so the named call that follows reuses it. */
  readonly unnamed: Map<string, Metadata>;
  directory: Promise<string> | undefined;
}

/**
 * Every distribution's metadata and wheel, whatever its kind (DESIGN.md §2): one place that
 * finds in the cache, downloads, builds and unzips, with the one hash policy. The resolver's
 * provider reads metadata through it, the installer's preparer gets wheels through it, and
 * builds resolve and install their own requirements through the same instance (`dispatch`).
 *
 * - `metadata(dist)`: a wheel's from the index (PEP 658, range requests) or the file; a source
 *   distribution's through the build frontend (static metadata, `prepare_metadata_for_build_
 *   wheel`, or a build), its archive checked first.
 * - `wheel(dist)`: the wheel unzipped in the cache's archives: found there, downloaded (its
 *   hash checked, as it streams), or built from source (once per source revision) and unzipped.
 * - `cachedWheel(dist)`: what `wheel` would return without any download or build, if anything.
 *
 * Remote sdists are downloaded once per process into a private directory of the built-wheels
 * bucket; editable wheels are built there too; `close()` removes it. Git references are fetched
 * once per process per URL (`fetchGitSource` caches repositories and checkouts across processes).
 */
export class DistributionDatabase {
  readonly context: BuildContext;
  readonly hashes: HashStrategy;
  readonly #options: DistributionDatabaseOptions;
  #shared: Shared;

  constructor(options: DistributionDatabaseOptions) {
    this.context = options.context;
    this.hashes = options.hashes ?? HashStrategy.NONE;
    this.#options = options;
    this.#shared = {
      fetcher: new WheelFetcher({
        cache: options.context.cache,
        http: options.http,
        archiveLimits: options.archiveLimits,
      }),
      downloads: new OnceMap(),
      gits: new OnceMap(),
      unnamed: new Map(),
      directory: undefined,
    };
  }

  /**
   * The same database for another build context (a build's own build requirements run with the
   * caller's build stack), without the command's hash rules and per-package settings (a
   * requirement's own settings are not its build requirements'); downloads, git fetches and the
   * archives stay shared, and the database this was derived from owns them (`close()`).
   */
  withContext(context: BuildContext): DistributionDatabase {
    const derived = new DistributionDatabase({
      ...this.#options,
      context,
      hashes: HashStrategy.NONE,
      packageConfigSettings: undefined,
    });
    derived.#shared = this.#shared;
    return derived;
  }

  /**
   * What `url` names, located: a wheel or sdist file (remote or local), a project directory, or
   * a git repository (fetched, so its commit is known). Throws for what cannot be a Python
   * distribution, or cannot be editable.
   */
  async locate(url: VerbatimUrl, options: { editable?: boolean } = {}): Promise<DirectSource> {
    const shown = url.redacted();
    const editable = options.editable === true;
    if (url.given.startsWith("git+")) {
      if (editable) throw notEditable(shown);
      return { kind: "git", url, git: checkoutOf(await this.#git(url)) };
    }
    const last = url.filename();
    if (url.url.protocol === "file:") {
      const path = fileURLToPath(url.url);
      const stats = await stat(path).catch((error: NodeJS.ErrnoException) => {
        throw new PuffinError("source-not-found", `${shown} does not exist (\`${path}\`)`, {
          cause: error,
        });
      });
      if (stats.isDirectory()) {
        return { kind: "directory", url, path, editable, modifiedMs: await treeStamp(path) };
      }
      if (editable) throw notEditable(shown);
      if (last.endsWith(".whl")) {
        return {
          kind: "path-wheel",
          url,
          path,
          filename: wheelName(last, shown),
          modifiedMs: stats.mtimeMs,
        };
      }
      return {
        kind: "path-sdist",
        url,
        path,
        filename: sdistName(last, shown),
        modifiedMs: stats.mtimeMs,
      };
    }
    if (url.url.protocol !== "http:" && url.url.protocol !== "https:") {
      throw new PuffinError(
        "unsupported-url",
        `${shown} is not a URL Puffin can install from (expected https://, file://, a path, or git+)`,
      );
    }
    if (editable) throw notEditable(shown);
    if (last.endsWith(".whl")) return { kind: "url-wheel", url, filename: wheelName(last, shown) };
    return { kind: "url-sdist", url, filename: sdistName(last, shown) };
  }

  /**
   * A located source with its package's name: `name` when the requirement gives one (checked
   * against the metadata when it is read), else the name in its filename or static project
   * files, else what its build backend says (a `setup.py` project; the metadata is remembered
   * for the named reads that follow).
   */
  async named(source: DirectSource, name?: PackageName): Promise<DirectDist> {
    const known = name ?? staticName(source.url);
    if (known !== undefined) return { ...source, name: known } as DirectDist;
    const key = unnamedKey(source);
    const { metadata } = await sourceMetadata(
      this.context,
      await this.#buildSource(source, undefined),
    );
    this.#shared.unnamed.set(key, metadata);
    return { ...source, name: metadata.name } as DirectDist;
  }

  /**
   * The core metadata of a distribution. A source archive is checked against its hash policy
   * before anything is read from it (a backend may run); in hash-checking mode a direct
   * reference without a hash of the user's, or that cannot be hashed, is refused first.
   */
  async metadata(dist: Dist): Promise<Metadata> {
    const { client } = this.#options;
    switch (dist.kind) {
      case "registry-wheel":
        return client.wheelMetadata(dist.file);
      case "path-wheel":
        return checkName(dist, await client.localWheelMetadata(dist.path));
      case "url-wheel":
        return checkName(dist, await client.wheelMetadata(urlWheelFile(dist)));
      default: {
        const policy = this.hashes.policyFor(dist, { enforce: dist.kind !== "registry-sdist" });
        const remembered = this.#shared.unnamed.get(unnamedKey(dist));
        if (remembered !== undefined) return checkName(dist, remembered);
        const source = await this.#checkedBuildSource(dist, policy);
        const { metadata } = await sourceMetadata(this.#contextFor(dist.name), source);
        return checkName(dist, metadata);
      }
    }
  }

  /**
   * The wheel the cache holds for `dist`, unzipped, when no download and no build is needed:
   * a registry or URL wheel already unzipped, a local wheel unzipped and unchanged, a source
   * whose current revision has a built wheel. Never for an editable (built each time).
   */
  async cachedWheel(dist: Dist): Promise<CachedDist | undefined> {
    const { fetcher } = this.#shared;
    switch (dist.kind) {
      case "registry-wheel":
      case "url-wheel":
      case "path-wheel":
        return fetcher.lookup(this.#wheelRequest(dist));
      case "registry-sdist":
        // Its entry is keyed by the listed SHA-256; without one, only a download can tell.
        if (dist.file.file.hashes["sha256"] === undefined) return undefined;
        break;
      case "url-sdist":
        return undefined;
      case "directory":
        if (dist.editable) return undefined;
        break;
      default:
        break;
    }
    const policy = this.hashes.policyFor(dist, { enforce: true });
    if (!policy.isEmpty) {
      // A registry sdist's listing may decide its `--hash` without a download; anything else
      // must be hashed, which is the preparer's work.
      if (dist.kind !== "registry-sdist") return undefined;
      const verdict = policy.check(HashPolicy.of({ stated: dist.file.file.hashes }).stated);
      if (verdict.kind === "mismatch") throw policy.mismatchError(verdict, describeForHash(dist));
      if (verdict.kind === "unknown") return undefined;
    }
    const source = await this.#buildSource(dist, dist.name);
    const path = await cachedBuiltWheel(this.#contextFor(dist.name), source);
    if (path === undefined) return undefined;
    return fetcher.lookup({ source: { kind: "path", path }, policy: HashPolicy.NONE });
  }

  /**
   * The wheel of `dist` unzipped in the cache: found, downloaded (checked against its hash
   * policy as it streams) or built, then unzipped. A source archive's policy is checked before
   * it is built (a source distribution's `--hash` is its archive's, as in pip and uv).
   */
  async wheel(dist: Dist): Promise<LocalWheel> {
    const { fetcher } = this.#shared;
    const reporter = this.#options.reporter;
    if (isBuiltDist(dist)) {
      const request = this.#wheelRequest(dist);
      const fetched = await fetcher.fetch(request);
      return { cached: fetched.cached, how: fetched.downloaded ? "download" : "cache" };
    }
    const policy = this.hashes.policyFor(dist, { enforce: true });
    const context = this.#contextFor(dist.name);
    const started = performance.now();
    let built: { path: string; built: boolean };
    if (isEditable(dist)) {
      reporter?.onBuildStart?.(dist);
      built = {
        path: await buildEditable(context, {
          directory: dist.path,
          name: dist.name,
          outputDirectory: await createTempDirectory(await this.#privateDirectory()),
        }),
        built: true,
      };
    } else {
      const source = await this.#checkedBuildSource(dist, policy);
      const cached = await cachedBuiltWheel(context, source);
      if (cached === undefined) reporter?.onBuildStart?.(dist);
      built =
        cached === undefined ? await builtWheel(context, source) : { path: cached, built: false };
    }
    if (built.built) reporter?.onBuildEnd?.(dist, performance.now() - started);
    // A wheel built here has no hash to check: its source's was checked.
    const fetched = await fetcher.fetch({
      source: { kind: "path", path: built.path },
      policy: HashPolicy.NONE,
    });
    return { cached: fetched.cached, how: built.built ? "build" : "cache" };
  }

  /**
   * Forgets an unzipped wheel found damaged in the cache (see `WheelFetcher.discard`): the next
   * `wheel()` of its distribution unzips it again, from the downloaded or built wheel file, or
   * downloads it.
   */
  discard(cached: CachedDist): Promise<void> {
    return this.#shared.fetcher.discard(cached);
  }

  /** Removes this process's downloads and editable wheels. */
  async close(): Promise<void> {
    const directory = this.#shared.directory;
    this.#shared.directory = undefined;
    if (directory !== undefined) await removeTree(await directory);
  }

  #wheelRequest(
    dist: Extract<Dist, { kind: "registry-wheel" | "url-wheel" | "path-wheel" }>,
  ): WheelRequest {
    const policy = this.hashes.policyFor(dist, { enforce: true });
    const progress = this.#downloadProgress(dist);
    switch (dist.kind) {
      case "registry-wheel":
        return { source: { kind: "registry", file: dist.file }, policy, progress };
      case "url-wheel":
        return { source: { kind: "url", url: dist.url.url.href }, policy, progress };
      case "path-wheel":
        return { source: { kind: "path", path: dist.path, hashes: policy.stated }, policy };
    }
  }

  /** The build frontend's view of a source, its archive checked against `policy` first. */
  async #checkedBuildSource(dist: Dist, policy: HashPolicy): Promise<BuildSource> {
    const source = await this.#buildSource(dist, dist.name);
    if (policy.isEmpty) return source;
    const what = describeForHash(dist);
    switch (source.kind) {
      case "index":
      case "url":
        await policy.verifyFile(
          {
            ...(dist.kind === "registry-sdist" ? dist.file.file.hashes : {}),
            sha256: source.sha256,
          } as Digests,
          source.fetch,
          what,
        );
        break;
      case "archive":
        policy.verify(await fileDigests(source.path, policy.algorithms(what)), what);
        break;
      default:
        break;
    }
    return source;
  }

  /**
   * What the build frontend reads a source from (`BuildSource`), a function of the
   * distribution: an index or URL sdist by its SHA-256 (downloaded, its stated digests checked,
   * when the SHA-256 is not listed or a build needs the file), a local archive, a directory,
   * a git checkout.
   */
  async #buildSource(
    dist: Dist | DirectSource,
    name: PackageName | undefined,
  ): Promise<BuildSource> {
    switch (dist.kind) {
      case "registry-sdist": {
        const { file } = dist;
        const listed = file.file.hashes["sha256"]?.toLowerCase();
        const stated = HashPolicy.of({ stated: file.file.hashes, statedBy: "the index" });
        const download = () =>
          this.#download(dist, file.file.url, file.file.filename, stated, file.file.size);
        return {
          kind: "index",
          url: file.origin.kind === "index" ? file.origin.index.url : file.file.url,
          name: dist.name,
          filename: file.file.filename,
          // Without a listed SHA-256 (some find-links pages), the file is downloaded to name it.
          sha256: listed ?? (await download()).sha256,
          fetch: async () => (await download()).path,
        };
      }
      case "url-sdist": {
        const href = dist.url.url.href;
        const stated = HashPolicy.of({
          stated: statedHashes(dist),
          statedBy: "the URL's fragment",
          userStated: true,
        });
        const named = "name" in dist ? dist : undefined;
        const download = () =>
          this.#download(named, href, dist.filename.toString(), stated, undefined);
        return {
          kind: "url",
          url: href,
          name: name ?? dist.filename.name,
          filename: dist.filename.toString(),
          sha256: (await download()).sha256,
          fetch: async () => (await download()).path,
        };
      }
      case "path-sdist":
        return { kind: "archive", path: dist.path, name: name ?? dist.filename.name };
      case "directory":
        return { kind: "directory", path: dist.path, name };
      case "git":
        return {
          kind: "git",
          url: dist.git.repository,
          commit: dist.git.commit,
          subdirectory: dist.git.subdirectory,
          path: dist.git.path,
          name,
        };
      default:
        throw new PuffinError(
          "not-a-source-distribution",
          `${describeSource(dist)} is a wheel, not something to build`,
        );
    }
  }

  /**
   * The build context for `name`: this one, or with the package's own config settings merged
   * over the command's (the package's winning per key). Build requirements still resolve and
   * install through the context, with the command's settings.
   */
  #contextFor(name: PackageName): BuildContext {
    const own = this.#options.packageConfigSettings?.get(name);
    if (own === undefined) return this.context;
    const base = this.context;
    return {
      interpreter: base.interpreter,
      cache: base.cache,
      buildStack: base.buildStack,
      options: { ...base.options, configSettings: { ...base.options.configSettings, ...own } },
      createBuildEnvironment: (location) => base.createBuildEnvironment(location),
      installBuildRequirements: (requirements, environment, stack) =>
        base.installBuildRequirements(requirements, environment, stack),
    };
  }

  #git(url: VerbatimUrl): Promise<GitSource> {
    return this.#shared.gits.run(url.given, () =>
      fetchGitSource(GitUrl.parse(url.given), {
        cache: this.context.cache,
        offline: this.#options.git?.offline,
        env: this.#options.git?.env,
      }),
    );
  }

  /** The reporter's download events for `dist`, if there is a reporter. */
  #downloadProgress(dist: Dist): DownloadProgress | undefined {
    const reporter = this.#options.reporter;
    if (reporter === undefined) return undefined;
    return {
      start: (size) => reporter.onDownloadStart?.(dist, size),
      advance: (bytes) => reporter.onDownloadProgress?.(dist, bytes),
      end: () => reporter.onDownloadEnd?.(dist),
    };
  }

  /** This process's directory in the built-wheels bucket (same filesystem as the cache). */
  #privateDirectory(): Promise<string> {
    this.#shared.directory ??= (async () => {
      await this.context.cache.init();
      return createTempDirectory(this.context.cache.bucket(CacheBucket.BuiltWheels));
    })();
    return this.#shared.directory;
  }

  /**
   * Downloads `url` once per process, hashing it as it arrives: the digests its source states
   * (`stated`: the index listing, the URL's fragment) must match, else `hash-mismatch`.
   */
  #download(
    dist: Dist | undefined,
    url: string,
    filename: string,
    stated: HashPolicy,
    size: number | undefined,
  ): Promise<Download> {
    return this.#shared.downloads.run(url, async () => {
      const directory = await createTempDirectory(await this.#privateDirectory());
      const path = join(directory, basename(filename));
      const display = redactCredentials(url);
      const digests = await downloadFile(this.#options.http, url, path, {
        algorithms: stated.algorithms(display),
        display,
        size,
        progress: dist === undefined ? undefined : this.#downloadProgress(dist),
      });
      stated.verify(digests, display);
      return { path, sha256: digests["sha256"]!, digests };
    });
  }
}

/** A `GitSource` as the data a distribution carries. */
function checkoutOf(source: GitSource): GitCheckout {
  return {
    repository: source.canonicalUrl.repository,
    commit: source.commit,
    subdirectory: source.canonicalUrl.subdirectory,
    path: source.checkoutPath,
    pinnedUrl: source.canonicalUrl.toString(),
    directUrl: source.directUrl,
  };
}

/**
 * When a project directory last changed: the newest modification time of the directory and of
 * the files that make a new revision (`pyproject.toml`, `setup.py`, `setup.cfg`).
 */
async function treeStamp(path: string): Promise<number> {
  const stamps = await Promise.all(
    ["", "pyproject.toml", "setup.py", "setup.cfg"].map((file) =>
      stat(join(path, file)).then(
        (stats) => stats.mtimeMs,
        () => 0,
      ),
    ),
  );
  return Math.max(...stamps);
}

/** A URL wheel as a listed file, so the registry client reads (and caches) its metadata. */
function urlWheelFile(dist: Extract<Dist, { kind: "url-wheel" }>): RegistryFile {
  const file = simpleFileFromLink(
    { url: dist.url.url.href, attributes: new Map(), text: "" },
    dist.name,
    `the requirement \`${dist.name}\``,
  );
  if (file === undefined) {
    throw new PuffinError("invalid-wheel", `${dist.url.redacted()} is not named like a wheel`);
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

function checkName(dist: Dist, metadata: Metadata): Metadata {
  if (metadata.name !== dist.name) {
    throw new PuffinError(
      "requirement-name-mismatch",
      `The requirement names \`${dist.name}\`, but ${describeSource(dist)} is \`${metadata.name}\``,
    );
  }
  return metadata;
}

function describeSource(dist: Dist | DirectSource): string {
  return isRegistryDist(dist) ? dist.file.file.filename : dist.url.redacted();
}

/** `` `pkg==1.0` (pkg-1.0.tar.gz) ``: what a hash message names (the version when known). */
function describeForHash(dist: Dist): string {
  const version = "filename" in dist ? `==${dist.filename.version}` : "";
  return `\`${dist.name}${version}\` (${describeSource(dist)})`;
}

function unnamedKey(source: Dist | DirectSource): string {
  return "url" in source ? `${source.kind}\0${source.url.url.href}` : "";
}

function wheelName(filename: string, shown: string): WheelFilename {
  try {
    return WheelFilename.parse(filename);
  } catch (error) {
    throw new PuffinError(
      "invalid-wheel-filename",
      `\`${shown}\` is not a valid wheel: \`${filename}\` is not a wheel's filename`,
      {
        cause: error,
        hint: "A wheel is named `{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl` (PEP 427); give the file its real name",
      },
    );
  }
}

function sdistName(filename: string, shown: string): SourceDistFilename {
  const parsed = SourceDistFilename.tryParse(filename);
  if (parsed === undefined) {
    throw new PuffinError(
      "unsupported-url",
      `${shown} is neither a wheel, a source distribution (\`.tar.gz\`, \`.zip\`, \`.tar.bz2\`, \`.tar.xz\`) nor a directory`,
    );
  }
  return parsed;
}

function notEditable(shown: string): PuffinError {
  return new PuffinError(
    "unsupported-editable",
    `${shown} cannot be installed as editable: only a local project directory can (PEP 660)`,
  );
}
