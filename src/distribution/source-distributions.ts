import { stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type BuildSource,
  type BuiltWheel,
  buildEditable,
  builtWheel,
  type SourceMetadata,
  sourceMetadata,
} from "../build/index.ts";
import type { BuildContext, ConfigSettings } from "../build-context/index.ts";
import { CacheBucket } from "../cache/index.ts";
import { HashingFileSink, type HttpClient } from "../client/index.ts";
import { type DistSource, describeOrigin, type RegistryFile } from "../distribution-types/index.ts";
import { SourceDistFilename } from "../filenames/index.ts";
import { fetchGitSource, type GitReporter, type GitSource, GitUrl } from "../git/index.ts";
import type { PackageName } from "../normalize/index.ts";
import type { VerbatimUrl } from "../pep508/index.ts";
import {
  type AllowedHashes,
  type Digests,
  type DirectUrl,
  fileDigests,
  HashPolicy,
  type Metadata,
  splitHashFragment,
} from "../pypi-types/index.ts";
import {
  createTempDirectory,
  OnceMap,
  PuffinError,
  redactCredentials,
  removeTree,
} from "../support/index.ts";

/**
 * A requirement's URL that names something to build, located:
 * - `directory`: a local project (`./proj`, `file:///…/proj`), installed as is or editable;
 * - `archive`: a local sdist file;
 * - `url`: a remote sdist (`https://…/pkg-1.0.tar.gz`);
 * - `git`: a repository, fetched and checked out at the commit its reference resolved to.
 * Wheels (local or remote) need no build and are not direct sources here: the registry client
 * reads their metadata and the wheel fetcher installs them.
 */
export type DirectSource =
  | {
      readonly kind: "directory";
      readonly url: VerbatimUrl;
      readonly path: string;
      readonly editable: boolean;
    }
  | { readonly kind: "archive"; readonly url: VerbatimUrl; readonly path: string }
  | { readonly kind: "url"; readonly url: VerbatimUrl; readonly filename: SourceDistFilename }
  | { readonly kind: "git"; readonly url: VerbatimUrl; readonly git: GitSource };

export interface SourceDistributionsOptions {
  /** The build context builds run in (its interpreter decides the wheels' tags). */
  readonly context: BuildContext;
  /** Downloads remote sdists. */
  readonly http: HttpClient;
  /** How git requirements are fetched (`fetchGitSource`). */
  readonly git?: {
    readonly offline?: boolean | undefined;
    readonly env?: NodeJS.ProcessEnv | undefined;
    readonly reporter?: GitReporter | undefined;
  };
  /**
   * Config settings of single packages (a requirements file's per-line `--config-settings`),
   * merged over the context's (`--config-setting`) for that package's builds, the package's
   * value winning per key.
   */
  readonly packageConfigSettings?: ReadonlyMap<PackageName, ConfigSettings> | undefined;
}

/**
 * A downloaded remote sdist: where it is for this process, its SHA-256, and every digest
 * computed while it downloaded (those its source stated were checked).
 */
interface Download {
  readonly path: string;
  readonly sha256: string;
  readonly digests: Digests;
}

/**
 * Metadata and wheels of everything that is built rather than downloaded as a wheel: index
 * sdists (`RegistryFile`s that are not wheels) and direct sources (`DirectSource`). Both go
 * through the build frontend (`sourceMetadata`, `builtWheel`) and so the built-wheel cache:
 * metadata is read without a build where it can be (static metadata, PEP 517
 * `prepare_metadata_for_build_wheel`), and a wheel is built once per source revision.
 *
 * Remote sdists are downloaded once per process into a private directory of the built-wheels
 * bucket (their SHA-256 names the cache entry, so an unchanged file is never rebuilt); `close()`
 * removes it. Git URLs are fetched once per process per URL (`fetchGitSource` caches
 * repositories and checkouts across processes).
 */
export class SourceDistributions {
  readonly context: BuildContext;
  readonly #options: SourceDistributionsOptions;
  /** Downloads and git fetches, shared by every instance `withContext` derives. */
  #shared: {
    readonly downloads: OnceMap<string, Download>;
    readonly gits: OnceMap<string, GitSource>;
    /** Metadata of direct sources read without a name (to name them), by `sourceKey`. */
    readonly unnamed: Map<string, SourceMetadata>;
    directory: Promise<string> | undefined;
  };

  constructor(options: SourceDistributionsOptions) {
    this.context = options.context;
    this.#options = options;
    this.#shared = {
      downloads: new OnceMap(),
      gits: new OnceMap(),
      unnamed: new Map(),
      directory: undefined,
    };
  }

  /**
   * The same services for another build context (a build's own build requirements run with the
   * caller's build stack), with `packageConfigSettings` (none unless given: a requirement's own
   * settings are not its build requirements'); downloads and git fetches stay shared, and the
   * instance this was derived from owns them (`close()`).
   */
  withContext(
    context: BuildContext,
    packageConfigSettings?: ReadonlyMap<PackageName, ConfigSettings>,
  ): SourceDistributions {
    const derived = new SourceDistributions({ ...this.#options, context, packageConfigSettings });
    derived.#shared = this.#shared;
    return derived;
  }

  /** The metadata of an index sdist (with `allowedHashes`, checked first as for `indexWheel`). */
  async indexMetadata(file: RegistryFile, allowedHashes?: AllowedHashes): Promise<Metadata> {
    const source = await this.#checkedIndexSource(file, allowedHashes);
    return (await sourceMetadata(this.#contextFor(source.name), source)).metadata;
  }

  /**
   * A wheel built from (or cached for) an index sdist: its path. With `allowedHashes` (the
   * requirement's `--hash` values), the sdist archive must match one of them first, as in pip
   * and uv: the digests the index lists decide without a download (the cache entry of its
   * wheels is keyed by the listed SHA-256, so a cached wheel is one built from that archive,
   * and a download is checked against it), else the downloaded file is hashed.
   */
  async indexWheel(file: RegistryFile, allowedHashes?: AllowedHashes): Promise<BuiltWheel> {
    const source = await this.#checkedIndexSource(file, allowedHashes);
    return builtWheel(this.#contextFor(source.name), source);
  }

  async #checkedIndexSource(
    file: RegistryFile,
    allowedHashes: AllowedHashes | undefined,
  ): Promise<BuildSource> {
    const source = await this.#indexSource(file);
    if (allowedHashes !== undefined) {
      await indexPolicy(file)
        .withAllowed(allowedHashes)
        .verifyFile(
          { ...file.file.hashes, sha256: source.sha256 } as Digests,
          source.fetch,
          `\`${source.name}==${source.version}\` (${file.file.filename})`,
        );
    }
    return source;
  }

  /**
   * Checks a direct source's archive against a requirement's `--hash` values, before anything
   * is built from it or read from its cache entry: a local sdist is hashed, a remote one as it
   * downloads. A directory or a git checkout has no archive to check (`assertHashable`). The
   * digests of the URL's own fragment are checked whatever the caller (see `#buildSource`).
   */
  async checkHashes(source: DirectSource, allowedHashes: AllowedHashes): Promise<void> {
    assertHashable(source);
    const policy = urlPolicy(source.url).withAllowed(allowedHashes);
    if (source.kind === "archive") {
      const { name, version } = sdistFilename(source.path);
      await policy.verifyFile(
        {},
        async () => source.path,
        `\`${name}==${version}\` (${source.path})`,
      );
    } else if (source.kind === "url") {
      const download = await this.#download(
        source.url.url.href,
        source.filename.toString(),
        urlPolicy(source.url),
      );
      await policy.verifyFile(
        download.digests,
        async () => download.path,
        `\`${source.filename.name}==${source.filename.version}\` (${source.url.redacted()})`,
      );
    }
  }

  /**
   * What `url` names, located (a git URL is fetched, so its commit is known); undefined for a
   * wheel, which needs no build. Throws for what cannot be a Python distribution.
   */
  async locate(url: VerbatimUrl, editable = false): Promise<DirectSource | undefined> {
    const shown = url.redacted();
    if (url.given.startsWith("git+")) {
      if (editable) throw notEditable(shown);
      return { kind: "git", url, git: await this.#git(url) };
    }
    const last = url.filename();
    if (url.url.protocol === "file:") {
      const path = fileURLToPath(url.url);
      const stats = await stat(path).catch((error: NodeJS.ErrnoException) => {
        throw new PuffinError("source-not-found", `${shown} does not exist (\`${path}\`)`, {
          cause: error,
        });
      });
      if (stats.isDirectory()) return { kind: "directory", url, path, editable };
      if (editable) throw notEditable(shown);
      if (last.endsWith(".whl")) return undefined;
      checkSdistName(last, shown);
      return { kind: "archive", url, path };
    }
    if (url.url.protocol !== "http:" && url.url.protocol !== "https:") {
      throw new PuffinError(
        "unsupported-url",
        `${shown} is not a URL Puffin can install from (expected https://, file://, a path, or git+)`,
      );
    }
    if (editable) throw notEditable(shown);
    if (last.endsWith(".whl")) return undefined;
    return { kind: "url", url, filename: checkSdistName(last, shown) };
  }

  /**
   * The core metadata of what a URL requirement names, for a resolver's URL seam (which reads
   * wheels itself, so a wheel here is a caller's error).
   */
  async urlMetadata(name: PackageName, url: VerbatimUrl, editable = false): Promise<Metadata> {
    const source = await this.locate(url, editable);
    if (source === undefined) {
      throw new PuffinError(
        "unexpected-wheel-url",
        `${url.redacted()} is a wheel, which needs no build: read its metadata from the wheel`,
      );
    }
    return (await this.metadata(source, name)).metadata;
  }

  /**
   * The core metadata of a direct source (its name is checked against `name` when given);
   * `configSettings` are the requirement's own, merged over the package's and the command's.
   * What a source without a static name calls itself is read once per process: read without a
   * name first (to name the requirement), the same metadata answers the named call after it
   * (whose cache entry is keyed by the name, so it would otherwise run the backend again).
   */
  async metadata(
    source: DirectSource,
    name?: PackageName,
    configSettings?: ConfigSettings,
  ): Promise<SourceMetadata> {
    const key = `${source.kind}\0${source.url.url.href}\0${JSON.stringify(configSettings ?? {})}`;
    const remembered = name === undefined ? undefined : this.#shared.unnamed.get(key);
    const found =
      remembered !== undefined && remembered.metadata.name === name
        ? remembered
        : await sourceMetadata(
            this.#contextFor(name, configSettings),
            await this.#buildSource(source, name),
          );
    if (name === undefined) this.#shared.unnamed.set(key, found);
    if (name !== undefined && found.metadata.name !== name) {
      throw new PuffinError(
        "requirement-name-mismatch",
        `The requirement names \`${name}\`, but ${source.url.redacted()} is \`${found.metadata.name}\``,
      );
    }
    return found;
  }

  /**
   * The wheel to install for a direct source: built (or found in the built-wheel cache), or for
   * an editable directory a PEP 660 editable wheel (not cached: it points at the tree) built
   * into this process's private directory, which `close()` removes.
   */
  async wheel(
    source: DirectSource,
    name: PackageName | undefined,
    configSettings?: ConfigSettings,
  ): Promise<BuiltWheel> {
    const context = this.#contextFor(name, configSettings);
    if (source.kind === "directory" && source.editable) {
      const path = await buildEditable(context, {
        directory: source.path,
        ...(name === undefined ? {} : { name }),
        outputDirectory: await createTempDirectory(await this.#privateDirectory()),
      });
      return { path, built: true };
    }
    return builtWheel(context, await this.#buildSource(source, name));
  }

  /** Removes this process's downloads and editable wheels. */
  async close(): Promise<void> {
    const directory = this.#shared.directory;
    this.#shared.directory = undefined;
    if (directory !== undefined) await removeTree(await directory);
  }

  /**
   * The build context for `name`: this one, or with the package's and the requirement's own
   * config settings merged over the command's (the more specific winning per key). Build
   * requirements still resolve and install through this context, with the command's settings.
   */
  #contextFor(name: PackageName | undefined, own?: ConfigSettings): BuildContext {
    const packageSettings =
      name === undefined ? undefined : this.#options.packageConfigSettings?.get(name);
    if (packageSettings === undefined && own === undefined) return this.context;
    const base = this.context;
    return {
      interpreter: base.interpreter,
      cache: base.cache,
      buildStack: base.buildStack,
      options: {
        ...base.options,
        configSettings: { ...base.options.configSettings, ...packageSettings, ...own },
      },
      createBuildEnvironment: (location) => base.createBuildEnvironment(location),
      installBuildRequirements: (requirements, environment, stack) =>
        base.installBuildRequirements(requirements, environment, stack),
    };
  }

  async #indexSource(
    file: RegistryFile,
  ): Promise<BuildSource & { kind: "index"; version: string }> {
    const dist = file.file.distFilename;
    if (dist.kind !== "sdist") {
      throw new PuffinError(
        "not-a-source-distribution",
        `${file.file.filename} is not a source distribution Puffin can build`,
      );
    }
    const name = dist.filename.name;
    const url = file.origin.kind === "index" ? file.origin.index.url : file.file.url;
    const listed = file.file.hashes["sha256"]?.toLowerCase();
    const download = () => this.#download(file.file.url, file.file.filename, indexPolicy(file));
    return {
      kind: "index",
      url,
      name,
      version: dist.filename.version.toString(),
      filename: file.file.filename,
      // Without a listed SHA-256 (some find-links pages), the file is downloaded to name it.
      sha256: listed ?? (await download()).sha256,
      fetch: async () => (await download()).path,
    };
  }

  async #buildSource(source: DirectSource, name: PackageName | undefined): Promise<BuildSource> {
    switch (source.kind) {
      case "directory":
        return { kind: "directory", path: source.path, name };
      case "archive": {
        // A `file:` URL's fragment states the archive's digests: checked before any build.
        const stated = urlPolicy(source.url);
        if (!stated.isEmpty) {
          const display = source.url.redacted();
          stated.verify(await fileDigests(source.path, stated.algorithms(display)), display);
        }
        return { kind: "archive", path: source.path, name: name ?? sdistName(source.path) };
      }
      case "url": {
        const href = source.url.url.href;
        const download = () =>
          this.#download(href, source.filename.toString(), urlPolicy(source.url));
        return {
          kind: "url",
          url: href,
          name: name ?? source.filename.name,
          filename: source.filename.toString(),
          sha256: (await download()).sha256,
          fetch: async () => (await download()).path,
        };
      }
      case "git":
        return {
          kind: "git",
          url: source.git.canonicalUrl.repository,
          commit: source.git.commit,
          subdirectory: source.git.canonicalUrl.subdirectory,
          path: source.git.checkoutPath,
          name,
        };
    }
  }

  #git(url: VerbatimUrl): Promise<GitSource> {
    return this.#shared.gits.run(url.given, () =>
      fetchGitSource(GitUrl.parse(url.given), {
        cache: this.context.cache,
        offline: this.#options.git?.offline,
        env: this.#options.git?.env,
        reporter: this.#options.git?.reporter,
      }),
    );
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
  #download(url: string, filename: string, stated: HashPolicy): Promise<Download> {
    const shared = this.#shared;
    return shared.downloads.run(url, async () => {
      const directory = await createTempDirectory(await this.#privateDirectory());
      const path = join(directory, basename(filename));
      const display = redactCredentials(url);
      const sink = await HashingFileSink.create(path, stated.algorithms(display));
      try {
        await this.#options.http.download(url, sink);
      } catch (error) {
        // The client's errors name the URL and what went wrong; others (the disk) need context.
        if (error instanceof PuffinError) throw error;
        throw new PuffinError("download-failed", `Failed to download ${redactCredentials(url)}`, {
          cause: error,
        });
      } finally {
        await sink.close();
      }
      const digests = sink.digests();
      stated.verify(digests, display);
      return { path, sha256: digests["sha256"]!, digests };
    });
  }
}

/**
 * The `DistSource` (what the installer's plan compares) and PEP 610 `direct_url.json` of a
 * direct source. `modifiedMs` of a directory is the newest stamp of the files that make a new
 * revision (`pyproject.toml`, `setup.py`, `setup.cfg`) and of the directory itself.
 */
export async function directDistSource(
  source: DirectSource,
): Promise<{ source: DistSource; directUrl: DirectUrl }> {
  switch (source.kind) {
    case "git":
      return {
        source: { kind: "git", url: source.git.directUrl.url, commit: source.git.commit },
        directUrl: source.git.directUrl,
      };
    case "url":
      return {
        source: { kind: "url", url: source.url.url.href },
        directUrl: { kind: "archive", url: source.url.url.href, hashes: {} },
      };
    case "archive": {
      const url = source.url.url.href;
      const modifiedMs = (await stat(source.path)).mtimeMs;
      return {
        source: { kind: "path", url, modifiedMs },
        directUrl: { kind: "archive", url, hashes: {} },
      };
    }
    case "directory": {
      const url = directoryUrl(source.url);
      const stamps = await Promise.all(
        ["", "pyproject.toml", "setup.py", "setup.cfg"].map((file) =>
          stat(join(source.path, file)).then(
            (stats) => stats.mtimeMs,
            () => 0,
          ),
        ),
      );
      const modifiedMs = Math.max(...stamps);
      return {
        source: { kind: source.editable ? "editable" : "path", url, modifiedMs },
        directUrl: { kind: "dir", url, editable: source.editable },
      };
    }
  }
}

/** A directory's `file:` URL without a trailing `/` (as pip writes `dir_info` URLs). */
function directoryUrl(url: VerbatimUrl): string {
  return url.url.href.replace(/\/+$/, "");
}

function checkSdistName(filename: string, shown: string): SourceDistFilename {
  const parsed = SourceDistFilename.tryParse(filename);
  if (parsed === undefined) {
    throw new PuffinError(
      "unsupported-url",
      `${shown} is neither a wheel, a source distribution (\`.tar.gz\`, \`.zip\`, \`.tar.bz2\`, \`.tar.xz\`) nor a directory`,
    );
  }
  return parsed;
}

function sdistFilename(path: string): SourceDistFilename {
  return checkSdistName(basename(path), path);
}

function sdistName(path: string): PackageName {
  return sdistFilename(path).name;
}

/**
 * Hash-checking mode (`--require-hashes`, or a `--hash` given) cannot check a directory or a
 * git checkout: there is no archive to hash. pip refuses them, and so does Puffin, rather than
 * install something unchecked.
 */
export function assertHashable(source: DirectSource): void {
  if (source.kind !== "directory" && source.kind !== "git") return;
  const what = source.kind === "git" ? "a git repository" : "a local directory";
  throw new PuffinError(
    "hash-unverifiable",
    `${source.url.redacted()} is ${what}, whose hash cannot be checked in --require-hashes mode`,
    {
      hint: "Require an sdist or a wheel of it by hash instead, or install it without hash checking",
    },
  );
}

function notEditable(shown: string): PuffinError {
  return new PuffinError(
    "unsupported-editable",
    `${shown} cannot be installed as editable: only a local project directory can (PEP 660)`,
  );
}

/** The digests an index (or find-links page) lists for one of its files. */
function indexPolicy(file: RegistryFile): HashPolicy {
  return HashPolicy.of({ stated: file.file.hashes, statedBy: describeOrigin(file.origin) });
}

/** The digests a direct URL's fragment states (`pkg @ https://…/pkg-1.0.tar.gz#sha256=…`). */
function urlPolicy(url: VerbatimUrl): HashPolicy {
  return HashPolicy.of({
    stated: splitHashFragment(url.url.href).hashes,
    statedBy: "the URL's fragment",
    userStated: true,
  });
}
