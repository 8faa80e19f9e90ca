import { rename } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type Cache,
  CacheBucket,
  type CacheSource,
  type EntrySchema,
  type FileStamp,
  fileStamp,
  isFileStamp,
  isStampCurrent,
  readJsonEntry,
  writeJsonEntry,
} from "../cache/index.ts";
import type { HttpClient } from "../client/index.ts";
import { type CachedDist, describeOrigin, type RegistryFile } from "../distribution-types/index.ts";
import { WheelFilename } from "../filenames/index.ts";
import {
  type Digests,
  type FileHashes,
  filenameFromUrl,
  HashPolicy,
  preferredHash,
  splitHashFragment,
} from "../pypi-types/index.ts";
import {
  type ArchiveLimits,
  createTempDirectory,
  isDirectory,
  OnceMap,
  PuffinError,
  redactCredentials,
  removeTree,
  Semaphore,
  tempName,
} from "../support/index.ts";
import { type DownloadProgress, downloadFile } from "./download-file.ts";
import { unzipWheel } from "./unzip-wheel.ts";

/**
 * Where a wheel comes from, and the digests that source states for it (checked on every fetch,
 * see `HashPolicy`):
 * - `registry`: a file an index page or a find-links location listed, with the hashes it gave;
 * - `url`: a direct wheel URL (`https:`, or `file:` read in place), with the hashes of its
 *   fragment (`#sha256=…`);
 * - `path`: a wheel on disk; `hashes` are those of the fragment of the `file:` URL it was given
 *   as, if any. A wheel built here has none.
 */
export type WheelSource =
  | { readonly kind: "registry"; readonly file: RegistryFile }
  | { readonly kind: "url"; readonly url: string }
  | { readonly kind: "path"; readonly path: string; readonly hashes?: FileHashes | undefined };

/** One wheel to make available in the cache. */
export interface WheelRequest {
  readonly source: WheelSource;
  /**
   * What the wheel's bytes must hash to: what its source states (the index listing, a URL's
   * fragment) and the user's `--hash` values (see `HashPolicy`; the database builds it).
   */
  readonly policy: HashPolicy;
  /** Told about a download (not about a cache hit or a local file). */
  readonly progress?: DownloadProgress | undefined;
}

/** A wheel ready in the cache, and whether this run had to download it. */
export interface FetchedWheel {
  readonly cached: CachedDist;
  readonly downloaded: boolean;
}

export interface WheelFetcherOptions {
  readonly cache: Cache;
  readonly http: HttpClient;
  /** Wheels downloaded or unzipped at once (default 8). */
  readonly concurrency?: number;
  /** How much one wheel may unpack to; default `DEFAULT_ARCHIVE_LIMITS` (see `unzipWheel`). */
  readonly archiveLimits?: ArchiveLimits | undefined;
}

/**
 * Which archive a wheel unzipped to: `wheels-v0/<source key>/<package>/<wheel stem>.archive.json`
 * next to the wheel's METADATA entry, holding the `archive-v0` id, every hash known for the wheel
 * file (at least its SHA-256), and why the pointer still describes the wheel:
 * - `hash`: the index listed the wheel with this digest; valid while it still does;
 * - `stamp`: a local wheel, while its mtime and size are unchanged;
 * - `immutable`: a remote wheel listed without a hash, until `--refresh`.
 * A listed SHA-256 needs no pointer at all: the archive id is the first 32 hex digits of the
 * wheel's SHA-256 (see `unzipWheel`), so a warm cache answers with one `stat`.
 */
interface ArchivePointer {
  readonly id: string;
  readonly hashes: Record<string, string>;
  readonly validator:
    | { readonly kind: "hash"; readonly algorithm: string; readonly digest: string }
    | { readonly kind: "stamp"; readonly stamp: FileStamp }
    | { readonly kind: "immutable" };
}

const POINTER_SCHEMA: EntrySchema<ArchivePointer> = {
  version: 1,
  validate: (value: unknown): value is ArchivePointer => {
    if (typeof value !== "object" || value === null) return false;
    const { id, hashes, validator } = value as Record<string, unknown>;
    if (typeof id !== "string" || !/^[0-9a-f]{32}$/.test(id)) return false;
    if (typeof hashes !== "object" || hashes === null) return false;
    if (typeof validator !== "object" || validator === null) return false;
    const v = validator as Record<string, unknown>;
    return (
      (v["kind"] === "hash" &&
        typeof v["algorithm"] === "string" &&
        typeof v["digest"] === "string") ||
      (v["kind"] === "stamp" && isFileStamp(v["stamp"])) ||
      v["kind"] === "immutable"
    );
  },
};

const DEFAULT_CONCURRENCY = 8;

/**
 * Gets wheels into the cache's `archive-v0`, unzipped and verified, downloading only what the
 * cache does not already hold:
 *
 * - a warm cache answers from the archive id (listed SHA-256) or the pointer, without a request
 *   and without reading or hashing the wheel;
 * - a remote wheel is streamed into a temp directory of the archive bucket and hashed as the
 *   bytes arrive; it must satisfy its `HashPolicy` (every digest its source states — the index
 *   listing or the URL's fragment — and, with `allowedHashes`, one of the user's) before anything
 *   is unzipped (a mismatch names the file and both digests); then `unzipWheel` verifies
 *   `RECORD` and publishes the tree atomically, and the temp file goes. A failure or a killed
 *   process leaves no entry, only a temp name `cache prune` removes;
 * - a local wheel (`file:` URL or path) is hashed in place when its policy expects anything,
 *   then unzipped straight from disk.
 *
 * At most `concurrency` wheels are fetched at once; concurrent requests for one wheel share one
 * fetch.
 */
export class WheelFetcher {
  readonly #cache: Cache;
  readonly #http: HttpClient;
  readonly #inFlight = new OnceMap<string, FetchedWheel>();
  readonly #limit: Semaphore;
  readonly #archiveLimits: ArchiveLimits | undefined;

  constructor(options: WheelFetcherOptions) {
    this.#cache = options.cache;
    this.#http = options.http;
    this.#limit = new Semaphore(options.concurrency ?? DEFAULT_CONCURRENCY);
    this.#archiveLimits = options.archiveLimits;
  }

  /** The wheel's unzipped tree if the cache holds it (and it satisfies `allowedHashes`). */
  async lookup(request: WheelRequest): Promise<CachedDist | undefined> {
    const { filename, display } = describe(request.source);
    const { policy } = request;
    const listed = policy.stated;
    const sha256 = listed["sha256"];
    const candidates: { id: string; hashes: Record<string, string> }[] = [];
    if (sha256 !== undefined) candidates.push({ id: sha256.slice(0, 32), hashes: { ...listed } });
    const pointer = await this.#readPointer(request.source, filename);
    if (pointer !== undefined)
      candidates.push({ id: pointer.id, hashes: { ...pointer.hashes, ...listed } });
    for (const { id, hashes } of candidates) {
      const verdict = policy.check(hashes);
      // Recorded digests that contradict the policy: the user's `--hash` names another file.
      if (verdict.kind === "mismatch") throw policy.mismatchError(verdict, display);
      if (verdict.kind === "unknown") continue;
      const path = join(this.#cache.bucket(CacheBucket.Archive), id);
      if (await isDirectory(path)) return { filename, path, hashes };
    }
    return undefined;
  }

  /**
   * Removes an unzipped tree found damaged (files deleted from the cache by hand, a disk
   * error), so the next `lookup` misses and `fetch` unzips the wheel again. The tree is renamed
   * to a temp name first: no reader ever sees it half-removed, and a killed removal leaves only
   * a temp name for `cache prune`. Refuses a path outside the archive bucket.
   */
  async discard(cached: CachedDist): Promise<void> {
    const bucket = this.#cache.bucket(CacheBucket.Archive);
    if (dirname(cached.path) !== bucket) {
      throw new PuffinError(
        "cache-path-outside",
        `${cached.path} is not an archive of the cache at ${bucket}`,
      );
    }
    const aside = join(bucket, tempName());
    try {
      await rename(cached.path, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
      throw error;
    }
    await removeTree(aside);
  }

  /** The wheel's unzipped tree, fetching and unzipping it unless the cache holds it. */
  fetch(request: WheelRequest): Promise<FetchedWheel> {
    const key = `${sourceId(request.source)}\0${policyKey(request.policy)}`;
    return this.#inFlight.run(key, async () => {
      const cached = await this.lookup(request);
      if (cached !== undefined) return { cached, downloaded: false };
      return this.#limit.run(() => this.#fetch(request));
    });
  }

  async #fetch(request: WheelRequest): Promise<FetchedWheel> {
    const { source } = request;
    const { filename, display } = describe(source);
    const { policy } = request;
    const listed = policy.stated;
    const local = localPath(source);
    let cached: CachedDist;
    let downloaded = false;
    if (local !== undefined) {
      const stamp = await fileStamp(local);
      if (stamp === undefined) {
        const where =
          source.kind === "registry" ? ` (listed by ${describeOrigin(source.file.origin)})` : "";
        throw new PuffinError("wheel-not-found", `The wheel ${local}${where} does not exist`);
      }
      // Hashed once, as it is unzipped from the same open file, and checked before any write.
      cached = await unzipWheel({
        wheel: local,
        cache: this.#cache,
        policy,
        displayName: display,
        limits: this.#archiveLimits,
      });
      await this.#writePointer(source, filename, cached, { kind: "stamp", stamp });
    } else {
      const url =
        source.kind === "registry" ? source.file.file.url : (source as { url: string }).url;
      await this.#cache.init();
      const temp = await createTempDirectory(this.#cache.bucket(CacheBucket.Archive));
      try {
        const wheel = join(temp, filename.toString());
        const size = source.kind === "registry" ? source.file.file.size : undefined;
        const computed = await downloadFile(this.#http, url, wheel, {
          algorithms: policy.algorithms(display),
          display,
          size,
          progress: request.progress,
        });
        downloaded = true;
        policy.verify(computed, display);
        cached = await unzipWheel({
          wheel,
          cache: this.#cache,
          displayName: display,
          limits: this.#archiveLimits,
        });
        cached = { ...cached, hashes: { ...listed, ...computed } };
      } finally {
        await removeTree(temp);
      }
      const preferred = preferredHash(listed);
      await this.#writePointer(
        source,
        filename,
        cached,
        preferred === undefined ? { kind: "immutable" } : { kind: "hash", ...preferred },
      );
    }
    return { cached, downloaded };
  }

  #pointerPath(source: WheelSource, filename: WheelFilename): string {
    const stem = filename.toString().replace(/\.whl$/, "");
    const dir = this.#cache.packageDir(CacheBucket.Wheels, cacheSource(source), filename.name);
    return join(dir, `${stem}.archive.json`);
  }

  async #readPointer(
    source: WheelSource,
    filename: WheelFilename,
  ): Promise<ArchivePointer | undefined> {
    const entry = await readJsonEntry(this.#pointerPath(source, filename), POINTER_SCHEMA);
    if (entry === undefined) return undefined;
    const { validator } = entry.value;
    switch (validator.kind) {
      case "hash":
        return statedDigests(source)[validator.algorithm] === validator.digest
          ? entry.value
          : undefined;
      case "stamp":
        return localPath(source) === validator.stamp.path && (await isStampCurrent(validator.stamp))
          ? entry.value
          : undefined;
      case "immutable":
        return preferredHash(statedDigests(source)) === undefined &&
          !this.#cache.mustRevalidate(filename.name, entry.writtenAt)
          ? entry.value
          : undefined;
    }
  }

  async #writePointer(
    source: WheelSource,
    filename: WheelFilename,
    cached: CachedDist,
    validator: ArchivePointer["validator"],
  ): Promise<void> {
    const pointer: ArchivePointer = {
      id: basename(cached.path),
      hashes: { ...cached.hashes },
      validator,
    };
    await writeJsonEntry(this.#pointerPath(source, filename), POINTER_SCHEMA, pointer);
  }
}

function describe(source: WheelSource): { filename: WheelFilename; display: string } {
  let name: string;
  let display: string;
  switch (source.kind) {
    case "registry":
      name = source.file.file.filename;
      display = redactCredentials(source.file.file.url);
      break;
    case "url":
      name = filenameFromUrl(source.url);
      display = redactCredentials(source.url);
      break;
    case "path":
      name = basename(source.path);
      display = source.path;
      break;
  }
  try {
    return { filename: WheelFilename.parse(name), display };
  } catch (error) {
    throw new PuffinError("invalid-wheel", `${display} is not named like a wheel`, {
      cause: error,
    });
  }
}

/** Where the source's cache entries live (the same keys as its METADATA entry). */
function cacheSource(source: WheelSource): CacheSource {
  const local = localPath(source);
  if (source.kind === "registry" && source.file.origin.kind === "index") {
    return { kind: "index", url: source.file.origin.index.url };
  }
  if (local !== undefined) return { kind: "path", path: local };
  return {
    kind: "url",
    url: source.kind === "registry" ? source.file.file.url : (source as { url: string }).url,
  };
}

function sourceId(source: WheelSource): string {
  switch (source.kind) {
    case "registry":
      return `registry:${source.file.file.url}`;
    case "url":
      return `url:${source.url}`;
    case "path":
      return `path:${source.path}`;
  }
}

/** What distinguishes two policies for one wheel (the user's `--hash` values; the rest is its source's). */
function policyKey(policy: HashPolicy): string {
  if (policy.allowed === undefined) return "";
  return [...policy.allowed]
    .map(([algorithm, digests]) => `${algorithm}:${[...digests].sort().join(",")}`)
    .sort()
    .join(";");
}

/** The file on disk a source is read from, if it is local. */
function localPath(source: WheelSource): string | undefined {
  if (source.kind === "path") return source.path;
  const url = source.kind === "registry" ? source.file.file.url : source.url;
  return url.startsWith("file:") ? fileURLToPath(url) : undefined;
}

/**
 * The digests the source states for the wheel (the index listing, a URL's fragment),
 * normalized: what validates an archive pointer written when the wheel was fetched.
 */
function statedDigests(source: WheelSource): Digests {
  const stated: FileHashes =
    source.kind === "registry"
      ? source.file.file.hashes
      : source.kind === "url"
        ? splitHashFragment(source.url).hashes
        : (source.hashes ?? {});
  return HashPolicy.of({ stated }).stated;
}
