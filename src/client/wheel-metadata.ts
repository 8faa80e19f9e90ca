import { basename } from "node:path";
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
import { describeOrigin, type FileOrigin } from "../distribution-types/index.ts";
import { WheelFilename } from "../filenames/index.ts";
import type { PackageName } from "../normalize/index.ts";
import {
  digestsOf,
  HashPolicy,
  type Metadata,
  parseCoreMetadata,
  preferredHash,
  type SimpleFile,
} from "../pypi-types/index.ts";
import { OnceMap, PuffinError, redactCredentials } from "../support/index.ts";
import { FileZipSource, readWheelMetadata, readWheelMetadataSync } from "../zip/index.ts";
import type { HttpClient } from "./http-client.ts";
import { HttpError } from "./http-response.ts";
import { openRemoteZip } from "./remote-zip-source.ts";

/**
 * Why a cached METADATA is still the wheel's:
 * - `hash`: the index listed the wheel with this digest. Index files never change under a digest,
 *   so the entry holds as long as the page (itself revalidated by its HTTP policy, `--refresh`
 *   included) lists the same digest: content addressing, no request at all.
 * - `stamp`: a local wheel (`file://`, a find-links directory, a path), while its mtime and size
 *   are unchanged.
 * - `immutable`: a remote wheel listed without a hash. Index files are immutable (a filename is
 *   never reused on PyPI, which serves them `immutable`), so the entry holds until
 *   `--refresh`/`--refresh-package` asks to fetch it again.
 *
 * Why not the HTTP policy of the responses: the metadata usually comes from range requests,
 * and a `206` response is not storable under RFC 9111 (§3.4 only lets a cache combine
 * partial content), which `http-cache-semantics` enforces.
 */
type Validator =
  | { readonly kind: "hash"; readonly algorithm: string; readonly digest: string }
  | { readonly kind: "stamp"; readonly stamp: FileStamp }
  | { readonly kind: "immutable" };

interface StoredMetadata {
  readonly filename: string;
  readonly validator: Validator;
  /** METADATA as UTF-8 text, or base64 when it is not valid UTF-8 (legacy Latin-1 files). */
  readonly text?: string;
  readonly base64?: string;
}

/**
 * `wheels-v0/<source key>/<package>/<wheel filename without .whl>.json` (see `bucket.ts`): a
 * JSON entry (`json-entry.ts`) holding `StoredMetadata`. Version 1 of this entry format.
 */
const METADATA_SCHEMA: EntrySchema<StoredMetadata> = {
  version: 1,
  validate: (value: unknown): value is StoredMetadata => {
    if (typeof value !== "object" || value === null) return false;
    const record = value as Record<string, unknown>;
    return (
      typeof record["filename"] === "string" &&
      isValidator(record["validator"]) &&
      (typeof record["text"] === "string" || typeof record["base64"] === "string")
    );
  },
};

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

export interface WheelMetadataClientOptions {
  readonly http: HttpClient;
  readonly cache: Cache;
}

/**
 * Wheel METADATA, cheapest first, each result cached in `wheels-v0`:
 * 1. a cached entry that is still valid (see `Validator`): no request;
 * 2. a local wheel (`file://`): read in place, the central directory and one entry;
 * 3. the PEP 658/714 `.metadata` file when the page advertises it, verified against the hash
 *    the page gives for it (https://peps.python.org/pep-0658/);
 * 4. HTTP range requests on the wheel (`openRemoteZip`), about one to three requests; a server
 *    that ignores `Range` costs one whole download, read from memory.
 * The result is checked against the filename: the METADATA must name the same project and
 * version. Concurrent requests for one wheel share one read.
 */
export class WheelMetadataClient {
  readonly #http: HttpClient;
  readonly #cache: Cache;
  readonly #inFlight = new OnceMap<string, Metadata>();

  constructor(options: WheelMetadataClientOptions) {
    this.#http = options.http;
    this.#cache = options.cache;
  }

  /** The METADATA of a wheel an index page or a find-links location listed. */
  forFile(file: SimpleFile, origin: FileOrigin): Promise<Metadata> {
    const dist = file.distFilename;
    if (dist.kind !== "wheel") {
      throw new PuffinError(
        "not-a-wheel",
        `${file.filename} (from ${describeOrigin(origin)}) is not a wheel`,
      );
    }
    const wheel = dist.filename;
    const entryPath = this.#entryPath(sourceOf(file, origin), wheel.name, file.filename);
    return this.#inFlight.run(entryPath, () => this.#forFile(file, wheel, origin, entryPath));
  }

  /** The METADATA of a wheel on disk, read in place (cached by path, mtime and size). */
  forPath(path: string): Promise<Metadata> {
    const filename = basename(path);
    const wheel = WheelFilename.parse(filename);
    const entryPath = this.#entryPath({ kind: "path", path }, wheel.name, filename);
    return this.#inFlight.run(entryPath, () => this.#forPath(path, wheel, entryPath));
  }

  #entryPath(source: CacheSource, name: PackageName, filename: string): string {
    const stem = filename.endsWith(".whl") ? filename.slice(0, -4) : filename;
    return `${this.#cache.packageDir(CacheBucket.Wheels, source, name)}/${stem}.json`;
  }

  async #forPath(path: string, wheel: WheelFilename, entryPath: string): Promise<Metadata> {
    const cached = await readJsonEntry(entryPath, METADATA_SCHEMA);
    if (cached !== undefined && cached.value.validator.kind === "stamp") {
      if (await isStampCurrent(cached.value.validator.stamp)) {
        return checked(storedBytes(cached.value), wheel, path);
      }
    }
    const stamp = await fileStamp(path);
    if (stamp === undefined) {
      throw new PuffinError("wheel-not-found", `The wheel ${path} does not exist`);
    }
    const bytes = readLocal(path);
    const metadata = checked(bytes, wheel, path);
    await this.#store(entryPath, { kind: "stamp", stamp }, bytes);
    return metadata;
  }

  async #forFile(
    file: SimpleFile,
    wheel: WheelFilename,
    origin: FileOrigin,
    entryPath: string,
  ): Promise<Metadata> {
    const shown = redactCredentials(file.url);
    const cached = await readJsonEntry(entryPath, METADATA_SCHEMA);
    if (
      cached !== undefined &&
      (await this.#isValid(cached.value, cached.writtenAt, file, wheel))
    ) {
      return checked(storedBytes(cached.value), wheel, shown);
    }

    if (file.url.startsWith("file:")) {
      const path = fileURLToPath(file.url);
      const stamp = await fileStamp(path);
      if (stamp === undefined) {
        throw new PuffinError(
          "wheel-not-found",
          `${file.filename} is listed by ${describeOrigin(origin)}, but ${path} does not exist`,
        );
      }
      const bytes = readLocal(path);
      const metadata = checked(bytes, wheel, shown);
      await this.#store(entryPath, { kind: "stamp", stamp }, bytes);
      return metadata;
    }

    if (this.#http.offline) {
      throw new PuffinError(
        "offline-not-cached",
        `The metadata of ${file.filename} (package ${wheel.name}) is not cached, and network access is disabled (offline mode)`,
        { hint: "Run once without --offline to cache it" },
      );
    }
    const bytes = await this.#fetch(file);
    const metadata = checked(bytes, wheel, shown);
    const digest = preferredHash(file.hashes);
    const validator: Validator =
      digest === undefined ? { kind: "immutable" } : { kind: "hash", ...digest };
    await this.#store(entryPath, validator, bytes);
    return metadata;
  }

  async #isValid(
    stored: StoredMetadata,
    writtenAt: number,
    file: SimpleFile,
    wheel: WheelFilename,
  ): Promise<boolean> {
    const validator = stored.validator;
    switch (validator.kind) {
      case "stamp":
        return (
          file.url.startsWith("file:") &&
          validator.stamp.path === fileURLToPath(file.url) &&
          (await isStampCurrent(validator.stamp))
        );
      case "hash":
        return file.hashes[validator.algorithm] === validator.digest;
      case "immutable":
        return (
          preferredHash(file.hashes) === undefined &&
          !this.#cache.mustRevalidate(wheel.name, writtenAt)
        );
    }
  }

  /** PEP 658 metadata if advertised (falling back to the wheel on a 404), else the wheel. */
  async #fetch(file: SimpleFile): Promise<Uint8Array> {
    const coreMetadata = file.coreMetadata;
    if (coreMetadata !== undefined) {
      const url = `${file.url}.metadata`;
      let bytes: Uint8Array | undefined;
      try {
        bytes = await (await this.#http.get(url)).bytes();
      } catch (error) {
        // An index that advertises a metadata file it does not have: read the wheel instead.
        if (!(error instanceof HttpError && error.status === 404)) throw error;
      }
      if (bytes !== undefined) {
        // PEP 658: the metadata file must match every digest the page gives for it.
        if (coreMetadata !== true) {
          const policy = HashPolicy.of({
            stated: coreMetadata.hashes,
            statedBy: `the index page's \`data-core-metadata\``,
          });
          const display = redactCredentials(url);
          policy.verify(digestsOf(bytes, policy.algorithms(display, [])), display);
        }
        return bytes;
      }
    }
    const source = await openRemoteZip(this.#http, file.url);
    return (await readWheelMetadata(source)).metadata;
  }

  async #store(entryPath: string, validator: Validator, bytes: Uint8Array): Promise<void> {
    await this.#cache.init();
    const filename = basename(entryPath, ".json");
    let stored: StoredMetadata;
    try {
      stored = { filename, validator, text: strictUtf8.decode(bytes) };
    } catch {
      stored = { filename, validator, base64: Buffer.from(bytes).toString("base64") };
    }
    await writeJsonEntry(entryPath, METADATA_SCHEMA, stored);
  }
}

/** Where a listed file's cache entries live (see `bucket.ts`). */
function sourceOf(file: SimpleFile, origin: FileOrigin): CacheSource {
  if (origin.kind === "index") return { kind: "index", url: origin.index.url };
  if (file.url.startsWith("file:")) return { kind: "path", path: fileURLToPath(file.url) };
  return { kind: "url", url: file.url };
}

function readLocal(path: string): Uint8Array {
  using source = FileZipSource.open(path);
  return readWheelMetadataSync(source).metadata;
}

function storedBytes(stored: StoredMetadata): Uint8Array | string {
  return stored.text ?? Buffer.from(stored.base64 ?? "", "base64");
}

/** Parses METADATA and checks that it describes the wheel its filename names. */
function checked(bytes: Uint8Array | string, wheel: WheelFilename, where: string): Metadata {
  let metadata: Metadata;
  try {
    metadata = parseCoreMetadata(bytes);
  } catch (error) {
    if (!(error instanceof PuffinError)) throw error;
    throw new PuffinError("invalid-wheel-metadata", `Invalid METADATA in ${where}`, {
      cause: error,
    });
  }
  if (metadata.name !== wheel.name || !metadata.version.equals(wheel.version)) {
    throw new PuffinError(
      "wheel-metadata-mismatch",
      `The METADATA of ${where} is for ${metadata.name} ${metadata.version}, but the filename says ${wheel.name} ${wheel.version}`,
      { hint: "The wheel is misnamed or its metadata is wrong; report it to its publisher" },
    );
  }
  return metadata;
}

function isValidator(value: unknown): value is Validator {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Record<string, unknown>;
  switch (record["kind"]) {
    case "hash":
      return typeof record["algorithm"] === "string" && typeof record["digest"] === "string";
    case "stamp":
      return isFileStamp(record["stamp"]);
    case "immutable":
      return true;
    default:
      return false;
  }
}
