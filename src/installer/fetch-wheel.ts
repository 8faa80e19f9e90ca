import { createHash, getHashes, type Hash } from "node:crypto";
import { open, stat } from "node:fs/promises";
import { basename, join } from "node:path";
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
import { describeOrigin, type HttpClient, type RegistryFile } from "../client/index.ts";
import type { CachedDist } from "../distribution-types/index.ts";
import { WheelFilename } from "../filenames/index.ts";
import {
  type ArchiveLimits,
  createTempDirectory,
  hashFile,
  OnceMap,
  PuffinError,
  redactCredentials,
  removeTree,
  Semaphore,
} from "../support/index.ts";
import { unzipWheel } from "./unzip-wheel.ts";

/**
 * Where a wheel comes from:
 * - `registry`: a file an index page or a find-links location listed (with the hashes it gave);
 * - `url`: a direct wheel URL (`https:`, or `file:` read in place);
 * - `path`: a wheel on disk.
 */
export type WheelSource =
  | { readonly kind: "registry"; readonly file: RegistryFile }
  | { readonly kind: "url"; readonly url: string }
  | { readonly kind: "path"; readonly path: string };

/** One wheel to make available in the cache. */
export interface WheelRequest {
  readonly source: WheelSource;
  /**
   * `--hash` values: algorithm → the digests the user accepts. When given, the wheel must match
   * one of them (pip's rule: several digests allow several files, e.g. one per platform).
   */
  readonly allowedHashes?: ReadonlyMap<string, readonly string[]> | undefined;
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

const SUPPORTED_HASHES = new Set(getHashes().map((name) => name.toLowerCase()));
const PREFERRED_HASHES = ["sha256", "sha384", "sha512"];
const DEFAULT_CONCURRENCY = 8;

/**
 * Gets wheels into the cache's `archive-v0`, unzipped and verified, downloading only what the
 * cache does not already hold:
 *
 * - a warm cache answers from the archive id (listed SHA-256) or the pointer, without a request
 *   and without reading or hashing the wheel;
 * - a remote wheel is streamed into a temp directory of the archive bucket and hashed as the
 *   bytes arrive; every hash the index listed must match, and with `allowedHashes` one of the
 *   user's digests too, before anything is unzipped (a mismatch names the file and both
 *   digests); then `unzipWheel` verifies `RECORD` and publishes the tree atomically, and the temp
 *   file goes. A failure or a killed process leaves no entry, only a temp name `cache prune`
 *   removes;
 * - a local wheel (`file:` URL or path) is unzipped straight from disk.
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
    const listed = listedHashes(request.source);
    const sha256 = listed["sha256"];
    const candidates: { id: string; hashes: Record<string, string> }[] = [];
    if (sha256 !== undefined) candidates.push({ id: sha256.slice(0, 32), hashes: listed });
    const pointer = await this.#readPointer(request.source, filename);
    if (pointer !== undefined)
      candidates.push({ id: pointer.id, hashes: { ...pointer.hashes, ...listed } });
    for (const { id, hashes } of candidates) {
      if (request.allowedHashes !== undefined) {
        const verdict = checkAllowed(hashes, request.allowedHashes, display);
        if (verdict === "unknown") continue;
      }
      const path = join(this.#cache.bucket(CacheBucket.Archive), id);
      if (await isDirectory(path)) return { filename, path, hashes };
    }
    return undefined;
  }

  /** The wheel's unzipped tree, fetching and unzipping it unless the cache holds it. */
  fetch(request: WheelRequest): Promise<FetchedWheel> {
    const key = `${sourceId(request.source)}\0${allowedKey(request.allowedHashes)}`;
    return this.#inFlight.run(key, async () => {
      const cached = await this.lookup(request);
      if (cached !== undefined) return { cached, downloaded: false };
      return this.#limit.run(() => this.#fetch(request));
    });
  }

  async #fetch(request: WheelRequest): Promise<FetchedWheel> {
    const { source } = request;
    const { filename, display } = describe(source);
    const listed = listedHashes(source);
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
      if (request.allowedHashes !== undefined) {
        const computed = await hashFile(local, algorithmsOf(request.allowedHashes));
        checkAllowed(computed, request.allowedHashes, display);
      }
      cached = await unzipWheel({
        wheel: local,
        cache: this.#cache,
        hashes: listed,
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
        const algorithms = new Set(["sha256", ...Object.keys(listed)]);
        if (request.allowedHashes !== undefined) {
          for (const algorithm of algorithmsOf(request.allowedHashes)) algorithms.add(algorithm);
        }
        const computed = await this.#download(url, wheel, algorithms, display);
        downloaded = true;
        checkListed(computed, listed, display);
        if (request.allowedHashes !== undefined)
          checkAllowed(computed, request.allowedHashes, display);
        cached = await unzipWheel({
          wheel,
          cache: this.#cache,
          hashes: { sha256: computed["sha256"]! },
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

  /** Streams `url` into `path`, hashing with every algorithm as the bytes arrive. */
  async #download(
    url: string,
    path: string,
    algorithms: ReadonlySet<string>,
    display: string,
  ): Promise<Record<string, string>> {
    const hashers = new Map<string, Hash>();
    for (const algorithm of algorithms) hashers.set(algorithm, createHash(algorithm));
    const response = await this.#http.get(url);
    const handle = await open(path, "wx");
    try {
      for await (const chunk of response.body) {
        for (const hasher of hashers.values()) hasher.update(chunk);
        await handle.write(chunk);
      }
    } catch (error) {
      throw new PuffinError("download-failed", `Failed to download ${display}`, { cause: error });
    } finally {
      await handle.close();
    }
    const digests: Record<string, string> = {};
    for (const [algorithm, hasher] of hashers) digests[algorithm] = hasher.digest("hex");
    return digests;
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
        return listedHashes(source)[validator.algorithm] === validator.digest
          ? entry.value
          : undefined;
      case "stamp":
        return localPath(source) === validator.stamp.path && (await isStampCurrent(validator.stamp))
          ? entry.value
          : undefined;
      case "immutable":
        return preferredHash(listedHashes(source)) === undefined &&
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
      name = decodeURIComponent(new URL(source.url).pathname.split("/").at(-1) ?? "");
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

function allowedKey(allowed: ReadonlyMap<string, readonly string[]> | undefined): string {
  if (allowed === undefined) return "";
  return [...allowed]
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

/** The hashes the index listed (lower case, algorithms Node can compute). */
function listedHashes(source: WheelSource): Record<string, string> {
  if (source.kind !== "registry") return {};
  const hashes: Record<string, string> = {};
  for (const [algorithm, digest] of Object.entries(source.file.file.hashes)) {
    if (digest !== undefined && SUPPORTED_HASHES.has(algorithm))
      hashes[algorithm] = digest.toLowerCase();
  }
  return hashes;
}

function preferredHash(
  hashes: Record<string, string>,
): { algorithm: string; digest: string } | undefined {
  for (const algorithm of PREFERRED_HASHES) {
    const digest = hashes[algorithm];
    if (digest !== undefined) return { algorithm, digest };
  }
  const [first] = Object.entries(hashes);
  return first === undefined ? undefined : { algorithm: first[0], digest: first[1] };
}

function algorithmsOf(allowed: ReadonlyMap<string, readonly string[]>): string[] {
  return [...allowed.keys()].filter((algorithm) => SUPPORTED_HASHES.has(algorithm));
}

/** Every hash the index listed must match what was computed. */
function checkListed(
  computed: Record<string, string>,
  listed: Record<string, string>,
  display: string,
): void {
  for (const [algorithm, expected] of Object.entries(listed)) {
    const actual = computed[algorithm];
    if (actual !== undefined && actual !== expected) {
      throw new PuffinError(
        "hash-mismatch",
        `Hash mismatch for ${display}: expected ${algorithm}:${expected}, computed ${algorithm}:${actual}`,
        {
          hint: "The index or a proxy between it and Puffin served a different file than it lists",
        },
      );
    }
  }
}

/**
 * Whether the known hashes of a wheel satisfy the user's `--hash` values: `ok` when one digest
 * matches, `unknown` when no algorithm of theirs is known (the file must be hashed); a mismatch
 * throws, naming the file, what was expected and what it has.
 */
function checkAllowed(
  known: Readonly<Record<string, string>>,
  allowed: ReadonlyMap<string, readonly string[]>,
  display: string,
): "ok" | "unknown" {
  let compared: { algorithm: string; actual: string } | undefined;
  for (const [algorithm, digests] of allowed) {
    const actual = known[algorithm];
    if (actual === undefined) continue;
    if (digests.some((digest) => digest.toLowerCase() === actual)) return "ok";
    compared ??= { algorithm, actual };
  }
  if (compared === undefined) return "unknown";
  const expected = [...allowed]
    .flatMap(([algorithm, digests]) =>
      digests.map((digest) => `${algorithm}:${digest.toLowerCase()}`),
    )
    .join(", ");
  throw new PuffinError(
    "hash-mismatch",
    `Hash mismatch for ${display}: expected ${expected}, computed ${compared.algorithm}:${compared.actual}`,
    { hint: "The file is not the one whose hash the requirements file records" },
  );
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return false;
    throw error;
  }
}
