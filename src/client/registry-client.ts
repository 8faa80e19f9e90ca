import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Cache, CacheBucket, urlDigest } from "../cache/index.ts";
import {
  describeFindLinks,
  type FileOrigin,
  type FindLinksLocation,
  type IndexLocations,
  type IndexUrl,
  type RegistryFile,
} from "../distribution-types/index.ts";
import type { PackageName } from "../normalize/index.ts";
import { compareVersions, type Version } from "../pep440/index.ts";
import {
  type FlatIndex,
  type Metadata,
  parseFlatIndexHtml,
  parseSimpleHtmlProject,
  parseSimpleJsonProject,
  readFlatIndexDirectory,
  SIMPLE_API_ACCEPT,
  type SimpleProject,
  simpleResponseFormat,
} from "../pypi-types/index.ts";
import { isDirectory, log, OnceMap, PuffinError, redactCredentials } from "../support/index.ts";
import { CachedClient } from "./cached-client.ts";
import type { HttpClient } from "./http-client.ts";
import { HttpError, type HttpResponse } from "./http-response.ts";
import {
  deserializeFlatIndex,
  deserializeSimpleProject,
  serializeFlatIndex,
  serializeSimpleProject,
} from "./simple-page-entry.ts";
import { WheelMetadataClient } from "./wheel-metadata.ts";

/** Everything the configured locations offer for one package. */
export interface PackageFiles {
  readonly name: PackageName;
  /** The first index that has the package, if any has it. */
  readonly index: IndexUrl | undefined;
  /** That index's page, as parsed (PEP 700 `versions`, API version…). */
  readonly project: SimpleProject | undefined;
  /**
   * Every index whose files are among `files`, in the order they are consulted: the first index
   * alone under `first-index`; under the `unsafe-*` strategies every index that has the package.
   */
  readonly indexes: readonly IndexUrl[];
  /**
   * The indexes' files, index by index in page order (a version already listed by an earlier
   * index left out of a later one's), then each find-links location's, in the order given.
   */
  readonly files: readonly RegistryFile[];
}

export interface RegistryClientOptions {
  readonly http: HttpClient;
  readonly cache: Cache;
  readonly locations: IndexLocations;
}

/** `simple-v0` entries hold PEP 691 text (`simple-page-entry.ts`); bump when that changes. */
const SIMPLE_ENTRY_VERSION = 1;
const FLAT_ENTRY_VERSION = 1;

/**
 * The registry client: which files exist for a package (the simple API of the configured
 * indexes, plus `--find-links` locations), and the METADATA of a wheel among them.
 *
 * Indexes follow the locations' strategy (`IndexStrategy`). Under `first-index` they are asked
 * in order, and the first whose answer is not "no such project" (a `404`, or a missing directory
 * of a `file://` index) provides the package; any other failure is an error, never a reason to
 * try the next index (that would let an outage turn into dependency confusion). Under the
 * `unsafe-*` strategies every index is asked at once, and any failure other than "no such
 * project" is an error too. Find-links files join the candidates whatever index answered.
 *
 * Pages are fetched through `CachedClient` (fresh → no request, stale → conditional request,
 * offline → cache only) into `simple-v0/index/<digest(index)>/<package>.json`; remote find-links
 * pages into `flat-index-v0/<digest(URL)>.json`. `file://` pages and find-links directories are
 * read directly: the files are the truth and as cheap to read as a cache entry. Concurrent
 * requests for one package share one fetch.
 */
export class RegistryClient {
  readonly locations: IndexLocations;
  readonly #cache: Cache;
  readonly #cached: CachedClient;
  readonly #metadata: WheelMetadataClient;
  readonly #packages = new OnceMap<PackageName, PackageFiles>();
  /** One read per find-links location per client: a listing spans every package. */
  readonly #flatIndexes = new Map<FindLinksLocation, Promise<FlatIndex>>();

  constructor(options: RegistryClientOptions) {
    this.locations = options.locations;
    this.#cache = options.cache;
    this.#cached = new CachedClient(options.http, options.cache);
    this.#metadata = new WheelMetadataClient({ http: options.http, cache: options.cache });
    for (const index of options.locations.indexes()) options.http.rememberCredentials(index.url);
    for (const location of options.locations.findLinks) {
      if (location.kind === "url") options.http.rememberCredentials(location.url);
    }
  }

  /**
   * The files of `name` from the indexes the strategy consults (`IndexStrategy`: the first index
   * that has it, or every index), and from every find-links location.
   */
  simple(name: PackageName): Promise<PackageFiles> {
    return this.#packages.run(name, async () => {
      const flat = Promise.all(
        this.locations.findLinks.map(async (location) => ({
          location,
          files: (await this.#flatIndex(location)).get(name) ?? [],
        })),
      );
      // Settle the find-links reads even if an index fails, so no rejection goes unobserved.
      flat.catch(() => {});
      const found =
        this.locations.strategy === "first-index"
          ? await this.#firstIndex(name)
          : await this.#everyIndex(name);
      const files = indexFiles(found);
      for (const { location, files: listed } of await flat) {
        const origin: FileOrigin = { kind: "find-links", location };
        for (const file of listed) files.push({ file, origin });
      }
      return {
        name,
        index: found[0]?.index,
        project: found[0]?.project,
        indexes: found.map((listing) => listing.index),
        files,
      };
    });
  }

  /**
   * The pages of `name` on the indexes that `simple` did not consult (under `first-index`, those
   * after the one that had it; none under the `unsafe-*` strategies, which consult every index):
   * what the no-solution hint reads to tell where a wanted version is. Each page is fetched
   * through the same cache as any other.
   */
  async unconsulted(name: PackageName): Promise<IndexListing[]> {
    if (this.locations.strategy !== "first-index") return [];
    const { index } = await this.simple(name);
    if (index === undefined) return [];
    const all = this.locations.indexes();
    const later = all.slice(all.findIndex((candidate) => candidate.sameAs(index)) + 1);
    return listings(
      later,
      await Promise.all(later.map((candidate) => this.#project(candidate, name))),
    );
  }

  /** First-index: the indexes in order until one has the project. */
  async #firstIndex(name: PackageName): Promise<IndexListing[]> {
    for (const index of this.locations.indexes()) {
      const project = await this.#project(index, name);
      if (project !== undefined) return [{ index, project }];
    }
    return [];
  }

  /** The `unsafe-*` strategies: every index at once; those that have the project, in order. */
  async #everyIndex(name: PackageName): Promise<IndexListing[]> {
    const indexes = this.locations.indexes();
    return listings(indexes, await Promise.all(indexes.map((index) => this.#project(index, name))));
  }

  /** The METADATA of a listed wheel (see `WheelMetadataClient`). */
  wheelMetadata(file: RegistryFile): Promise<Metadata> {
    return this.#metadata.forFile(file.file, file.origin);
  }

  /** The METADATA of a wheel on disk. */
  localWheelMetadata(path: string): Promise<Metadata> {
    return this.#metadata.forPath(path);
  }

  /** The project page of `name` on `index`, or undefined when the index does not have it. */
  async #project(index: IndexUrl, name: PackageName): Promise<SimpleProject | undefined> {
    const project = await this.#fetchProject(index, name);
    if (project !== undefined && project.files.length === 0) {
      const page = redactCredentials(index.projectUrl(name));
      log.debug(`The index page ${page} lists no files for ${name}`);
    }
    return project;
  }

  async #fetchProject(index: IndexUrl, name: PackageName): Promise<SimpleProject | undefined> {
    const url = index.projectUrl(name);
    try {
      return await this.#cached.getCached({
        url,
        headers: { accept: SIMPLE_API_ACCEPT },
        entryPath: `${this.#cache.packageDir(CacheBucket.Simple, { kind: "index", url: index.url }, name)}.json`,
        package: name,
        version: SIMPLE_ENTRY_VERSION,
        parse: (response, bytes) => parseProjectPage(response, bytes, name),
        serialize: serializeSimpleProject,
        deserialize: (raw) => deserializeSimpleProject(raw, url, name),
      });
    } catch (error) {
      if (error instanceof HttpError && error.status === 404) {
        return index.isFile ? this.#listedProject(index, name) : undefined;
      }
      if (error instanceof PuffinError && error.code === "offline-not-cached") {
        throw new PuffinError(
          "offline-not-cached",
          `Package ${name} is not in the cache for ${index.redacted}, and network access is disabled (offline mode)`,
          { hint: "Run once without --offline to cache it", cause: error },
        );
      }
      throw error;
    }
  }

  /**
   * A `file://` index project without `index.html`: the directory's files are the listing (as
   * a static file server's directory index would be). No directory: the index lacks the project.
   */
  async #listedProject(index: IndexUrl, name: PackageName): Promise<SimpleProject | undefined> {
    const directory = join(index.path, name);
    if (!(await isDirectory(directory))) return undefined;
    const files = (await readFlatIndexDirectory(directory)).get(name) ?? [];
    return { name, files, versions: undefined, meta: { apiVersion: "1.0", lastSerial: undefined } };
  }

  #flatIndex(location: FindLinksLocation): Promise<FlatIndex> {
    let read = this.#flatIndexes.get(location);
    if (read === undefined) {
      read = this.#readFlatIndex(location);
      this.#flatIndexes.set(location, read);
    }
    return read;
  }

  async #readFlatIndex(location: FindLinksLocation): Promise<FlatIndex> {
    if (location.kind === "path") {
      if (await isDirectory(location.path)) return readFlatIndexDirectory(location.path);
      const url = pathToFileURL(location.path).href;
      let response: HttpResponse;
      try {
        response = await this.#cached.http.get(url);
      } catch (error) {
        throw new PuffinError(
          "find-links-unreadable",
          `Cannot read the find-links location ${describeFindLinks(location)}`,
          { cause: error },
        );
      }
      return parseFlatIndexHtml(await response.text(), response.url);
    }
    const url = location.url;
    return this.#cached.getCached({
      url,
      headers: { accept: "text/html" },
      entryPath: this.#cache.shard(CacheBucket.FlatIndex, `${urlDigest(url)}.json`),
      version: FLAT_ENTRY_VERSION,
      parse: (response, bytes) => parseFlatIndexHtml(decode(bytes), response.url),
      serialize: serializeFlatIndex,
      deserialize: (raw) => deserializeFlatIndex(raw, location.redacted),
    });
  }
}

/** One index's page of a package. */
export interface IndexListing {
  readonly index: IndexUrl;
  readonly project: SimpleProject;
}

function listings(
  indexes: readonly IndexUrl[],
  projects: readonly (SimpleProject | undefined)[],
): IndexListing[] {
  const result: IndexListing[] = [];
  indexes.forEach((index, i) => {
    const project = projects[i];
    if (project !== undefined) result.push({ index, project });
  });
  return result;
}

/**
 * The files of the listings, index by index in page order. A version that an earlier index lists
 * is left out of later indexes (uv: "if a package version is in multiple indexes, only look at
 * the entry for the first index"), so one version's files always come from one index. Files
 * whose name carries no version (legacy formats) are kept as they are.
 */
function indexFiles(found: readonly IndexListing[]): RegistryFile[] {
  const files: RegistryFile[] = [];
  if (found.length === 1) {
    const { index, project } = found[0]!;
    const origin: FileOrigin = { kind: "index", index };
    for (const file of project.files) files.push({ file, origin });
    return files;
  }
  let seen: Version[] = [];
  for (const { index, project } of found) {
    const origin: FileOrigin = { kind: "index", index };
    const here: Version[] = [];
    for (const file of project.files) {
      const dist = file.distFilename;
      if (dist.kind !== "legacy") {
        const version = dist.filename.version;
        if (sortedIncludes(seen, version)) continue;
        here.push(version);
      }
      files.push({ file, origin });
    }
    seen = [...seen, ...here].sort(compareVersions);
  }
  return files;
}

function sortedIncludes(sorted: readonly Version[], version: Version): boolean {
  let low = 0;
  let high = sorted.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const order = compareVersions(sorted[middle]!, version);
    if (order === 0) return true;
    if (order < 0) low = middle + 1;
    else high = middle - 1;
  }
  return false;
}

/**
 * A project page as its `Content-Type` says (`simpleResponseFormat`). A page served as HTML that
 * holds no markup at all is not taken for an empty project: JSON is read as PEP 691 (a server
 * that labels it wrongly), anything else — a proxy's plain-text answer, binary garbage — is an
 * `invalid-simple-page` error naming the page. An HTML page without links may be a real
 * project without files; that is logged (`-v`) and told in the no-solution hint instead.
 */
function parseProjectPage(
  response: HttpResponse,
  bytes: Uint8Array,
  name: PackageName,
): SimpleProject {
  const text = decode(bytes);
  const options = { url: response.url, packageName: name };
  if (simpleResponseFormat(response.headers["content-type"]) === "json") {
    return parseSimpleJsonProject(text, options);
  }
  if (!text.includes("<") && text.trim() !== "") {
    if (/^\s*\{/.test(text)) return parseSimpleJsonProject(text, options);
    throw new PuffinError(
      "invalid-simple-page",
      `The index page ${redactCredentials(response.url)} is not a simple-API page: it is neither HTML nor PEP 691 JSON`,
      {
        hint: "Check the index URL: is it a simple repository (PEP 503), or a proxy's error page?",
      },
    );
  }
  return parseSimpleHtmlProject(text, options);
}

const utf8 = new TextDecoder();

function decode(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}
