import { DistFilename } from "../filenames/index.ts";
import type { PackageName } from "../normalize/index.ts";
import type { VersionSpecifiers } from "../pep440/index.ts";
import { checkSafeFileName, log, PuffinError, redactCredentials } from "../support/index.ts";
import { parseLenientVersionSpecifiers } from "./lenient-requirement.ts";

/**
 * The files of a package as the simple repository API lists them (PEP 503 HTML, PEP 691 JSON)
 * and as `--find-links` pages and directories provide them.
 * https://packaging.python.org/en/latest/specifications/simple-repository-api/
 */

/**
 * Hex digests by `hashlib` algorithm name, lowercase. Every algorithm the index gave is kept;
 * the four below are the ones indexes use.
 */
export interface FileHashes {
  readonly sha256?: string;
  readonly sha384?: string;
  readonly sha512?: string;
  readonly md5?: string;
  readonly [algorithm: string]: string | undefined;
}

/** The SHA-2 digests in order of preference (what pip's `--hash` accepts). */
const PREFERRED_HASHES = ["sha256", "sha384", "sha512"] as const;

/**
 * The one digest that stands for a file: SHA-256 when known, else the strongest SHA-2, else
 * (`anyAlgorithm`) whatever the index gave; undefined when nothing qualifies.
 */
export function preferredHash(
  hashes: FileHashes,
  options: { readonly anyAlgorithm: boolean } = { anyAlgorithm: true },
): { algorithm: string; digest: string } | undefined {
  for (const algorithm of PREFERRED_HASHES) {
    const digest = hashes[algorithm];
    if (digest !== undefined) return { algorithm, digest };
  }
  if (!options.anyAlgorithm) return undefined;
  for (const [algorithm, digest] of Object.entries(hashes)) {
    if (digest !== undefined) return { algorithm, digest };
  }
  return undefined;
}

/** PEP 592: a yanked file is only chosen when pinned exactly (`==`/`===`). */
export interface Yanked {
  /** The index's reason; `undefined` when it gave none (an empty reason is none). */
  readonly reason: string | undefined;
}

/**
 * PEP 658/714: the file's core metadata is served at `{url}.metadata`. `true` when the index
 * says so without hashes, else the hashes of the metadata file (to verify it).
 */
export type CoreMetadata = true | { readonly hashes: FileHashes };

export interface SimpleFile {
  /** The filename as listed (JSON `filename`; HTML: the URL's last path segment, decoded). */
  readonly filename: string;
  /** What the file is: a wheel, an sdist, or a legacy format Puffin recognizes to skip. */
  readonly distFilename: DistFilename;
  /** Absolute, with the hash fragment removed. */
  readonly url: string;
  readonly hashes: FileHashes;
  /**
   * The parsed `Requires-Python`, leniently (see `parseLenientVersionSpecifiers`). `undefined`
   * when absent, blank, or invalid even leniently: pip then ignores it and keeps the file (uv
   * skips the file); Puffin follows pip, and `requiresPythonRaw` keeps what the index said.
   */
  readonly requiresPython: VersionSpecifiers | undefined;
  readonly requiresPythonRaw: string | undefined;
  readonly yanked: Yanked | undefined;
  readonly coreMetadata: CoreMetadata | undefined;
  /** Bytes (PEP 700, JSON only). */
  readonly size: number | undefined;
  /** RFC 3339 timestamp as the index wrote it (PEP 700, JSON only), e.g. `2021-06-05T00:15:37.534150Z`. */
  readonly uploadTime: string | undefined;
}

/** PEP 629/691 `meta`. */
export interface SimpleMeta {
  /** `major.minor`; `1.0` when the page does not say (PEP 629). */
  readonly apiVersion: string;
  /** PyPI's `_last-serial` (JSON only; for HTML it comes in the `X-PyPI-Last-Serial` header). */
  readonly lastSerial: number | undefined;
}

/** One project's page. */
export interface SimpleProject {
  readonly name: PackageName;
  /** In the order the index listed them. Files that are not distributions are left out. */
  readonly files: readonly SimpleFile[];
  /** PEP 700 (JSON only): every version the index knows, as written, including those without files. */
  readonly versions: readonly string[] | undefined;
  readonly meta: SimpleMeta;
}

/** The root page (`/simple/`): every project the index has. */
export interface SimpleIndex {
  readonly projects: readonly { readonly name: PackageName; readonly url: string }[];
  readonly meta: SimpleMeta;
}

/** The PEP 691 JSON media type. */
export const SIMPLE_JSON_MEDIA_TYPE = "application/vnd.pypi.simple.v1+json";
/** The PEP 691 HTML media type (servers may also answer `text/html`). */
export const SIMPLE_HTML_MEDIA_TYPE = "application/vnd.pypi.simple.v1+html";

/**
 * The `Accept` header to send to an index: JSON preferred, the versioned HTML next, and plain
 * `text/html` last for servers that predate PEP 691 (the q-values uv sends).
 */
export const SIMPLE_API_ACCEPT = `${SIMPLE_JSON_MEDIA_TYPE}, ${SIMPLE_HTML_MEDIA_TYPE};q=0.2, text/html;q=0.01`;

/**
 * Which parser a response needs, from its `Content-Type` (parameters ignored). A JSON type (the
 * PEP 691 one, its `latest` alias, plain `application/json`, any `+json`) is JSON, and a body
 * that is not valid PEP 691 JSON is then an error naming the page. Anything else is HTML: PEP 503
 * servers answer `text/html`, and static file servers (including `file://` trees) often send no
 * useful type at all.
 */
export function simpleResponseFormat(contentType: string | undefined): "json" | "html" {
  const mediaType = contentType?.split(";", 1)[0]?.trim().toLowerCase() ?? "";
  return mediaType === "application/json" || mediaType.endsWith("+json") ? "json" : "html";
}

/**
 * The newest API version whose additions Puffin knows. 1.1 (PEP 700: `versions`, `size`,
 * `upload-time`) is read; 1.2 (PEP 708 tracks/alternate locations), 1.3 (PEP 740 provenance)
 * and 1.4 (PEP 792 project status) add only fields an installer may ignore, and Puffin does, as
 * uv does. PyPI serves 1.4, so a lower number here would warn on every run.
 */
export const SUPPORTED_API_VERSION = { major: 1, minor: 4 } as const;

const API_VERSION = /^(\d+)\.(\d+)$/;
const warnedApiVersions = new Set<string>();

/**
 * PEP 629: refuse a page whose major version is newer than Puffin's, warn (once per version)
 * when only its minor version is. Returns the version to record.
 */
export function checkApiVersion(version: string | undefined, url: string): string {
  if (version === undefined) return "1.0";
  const match = API_VERSION.exec(version.trim());
  if (match === null) {
    throw new PuffinError(
      "invalid-simple-api-version",
      `Invalid repository version ${JSON.stringify(version)} in ${redactCredentials(url)}`,
      { hint: "PEP 629 versions are `major.minor`, e.g. `1.0`" },
    );
  }
  const major = Number(match[1]);
  const minor = Number(match[2]);
  if (major > SUPPORTED_API_VERSION.major) {
    throw new PuffinError(
      "unsupported-simple-api-version",
      `${redactCredentials(url)} uses simple repository API version ${version}, but Puffin supports only ${SUPPORTED_API_VERSION.major}.x`,
      { hint: "Upgrade Puffin, or use an index that serves API version 1" },
    );
  }
  const normalized = `${major}.${minor}`;
  if (major === SUPPORTED_API_VERSION.major && minor > SUPPORTED_API_VERSION.minor) {
    if (!warnedApiVersions.has(normalized)) {
      warnedApiVersions.add(normalized);
      log.warn(
        `${redactCredentials(url)} uses simple repository API version ${normalized}; Puffin knows up to ${SUPPORTED_API_VERSION.major}.${SUPPORTED_API_VERSION.minor} and ignores what is newer`,
      );
    }
  }
  return normalized;
}

/**
 * `hashlib` algorithms (the guaranteed ones with a fixed digest size). In a URL fragment only
 * these count as hashes; other keys (`egg=`, `subdirectory=`) are not.
 */
const HASH_ALGORITHMS = new Set([
  "md5",
  "sha1",
  "sha224",
  "sha256",
  "sha384",
  "sha512",
  "sha3_224",
  "sha3_256",
  "sha3_384",
  "sha3_512",
  "blake2b",
  "blake2s",
]);

/**
 * Splits `url` at its fragment and reads hashes from it (`#sha256=…`, several joined by `&`),
 * as PEP 503 puts them. The fragment is percent-decoded first.
 */
export function splitHashFragment(url: string): { url: string; hashes: FileHashes } {
  const hash = url.indexOf("#");
  if (hash === -1) return { url, hashes: {} };
  const hashes: Record<string, string> = {};
  for (const pair of safeDecode(url.slice(hash + 1)).split("&")) {
    const equals = pair.indexOf("=");
    if (equals === -1) continue;
    const algorithm = pair.slice(0, equals).trim().toLowerCase();
    const digest = pair.slice(equals + 1).trim();
    if (HASH_ALGORITHMS.has(algorithm) && digest !== "") hashes[algorithm] ??= digest.toLowerCase();
  }
  return { url: url.slice(0, hash), hashes };
}

/**
 * The PEP 658/714 attribute value: `true`, or `<algorithm>=<hex digest>`. `false`, and values
 * that are neither, mean no metadata file (uv reads them the same way).
 */
export function parseCoreMetadataAttribute(value: string): CoreMetadata | undefined {
  const trimmed = value.trim();
  if (trimmed === "true") return true;
  const { hashes } = splitHashFragment(`#${trimmed}`);
  return Object.keys(hashes).length > 0 ? { hashes } : undefined;
}

/** The last path segment of an absolute URL, percent-decoded: the filename of a link. */
export function filenameFromUrl(url: string): string {
  const path = new URL(url).pathname;
  return safeDecode(path.slice(path.lastIndexOf("/") + 1));
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    // Not valid percent-encoding (a stray `%`): the text is taken as written.
    return text;
  }
}

/** What the index said about one file, before classification. */
export interface RawSimpleFile {
  readonly filename: string;
  readonly url: string;
  readonly hashes: FileHashes;
  readonly requiresPython: string | undefined;
  readonly yanked: Yanked | undefined;
  readonly coreMetadata: CoreMetadata | undefined;
  readonly size: number | undefined;
  readonly uploadTime: string | undefined;
}

/**
 * Classifies the file and parses its `Requires-Python`. Returns `undefined` (and says why at
 * debug level) for files that are not distributions at all; legacy formats (eggs, `.exe`,
 * `bdist_dumb`) are kept, classified, for the resolver to skip with a reason.
 *
 * The filename becomes a path component (downloads, cache entries), so one that is not a single
 * safe name (`checkSafeFileName`: a `%2F` link, a JSON `filename` of `../x.whl`) is refused with
 * `unsafe-filename`, naming `listedBy` (the page or directory that listed it) and the link.
 */
export function toSimpleFile(
  raw: RawSimpleFile,
  packageName: PackageName | undefined,
  listedBy: string,
): SimpleFile | undefined {
  // An empty name is a link to a directory (`../`), no file: skipped below like any other.
  if (raw.filename !== "") {
    checkSafeFileName(
      raw.filename,
      `${redactCredentials(raw.url)}, listed by ${redactCredentials(listedBy)}`,
    );
  }
  const distFilename = DistFilename.tryParse(raw.filename, packageName);
  if (distFilename === undefined) {
    log.debug(
      () => `Skipping ${raw.filename} (${redactCredentials(raw.url)}): not a distribution filename`,
    );
    return undefined;
  }
  return {
    filename: raw.filename,
    distFilename,
    url: raw.url,
    hashes: raw.hashes,
    requiresPython: parseRequiresPython(raw.requiresPython, raw.filename),
    requiresPythonRaw: raw.requiresPython,
    yanked: raw.yanked,
    coreMetadata: raw.coreMetadata,
    size: raw.size,
    uploadTime: raw.uploadTime,
  };
}

/**
 * Parsed `Requires-Python` values by their text. A page repeats a handful of values across
 * thousands of files, and `VersionSpecifiers` is immutable, so files share one object. Bounded:
 * cleared when full.
 */
const requiresPythonCache = new Map<string, VersionSpecifiers | undefined>();
const REQUIRES_PYTHON_CACHE_SIZE = 1024;

function parseRequiresPython(
  raw: string | undefined,
  filename: string,
): VersionSpecifiers | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  if (requiresPythonCache.has(raw)) return requiresPythonCache.get(raw);
  const parsed = parseRequiresPythonText(raw, filename);
  if (requiresPythonCache.size >= REQUIRES_PYTHON_CACHE_SIZE) requiresPythonCache.clear();
  requiresPythonCache.set(raw, parsed);
  return parsed;
}

function parseRequiresPythonText(raw: string, filename: string): VersionSpecifiers | undefined {
  try {
    const { value, fixed } = parseLenientVersionSpecifiers(raw);
    if (fixed !== undefined) {
      log.debug(
        () =>
          `Read Requires-Python ${JSON.stringify(raw)} of ${filename} as ${JSON.stringify(fixed)}`,
      );
    }
    return value;
  } catch (error) {
    if (!(error instanceof PuffinError)) throw error;
    log.debug(
      () =>
        `Ignoring invalid Requires-Python ${JSON.stringify(raw)} of ${filename}: ${error.message}`,
    );
    return undefined;
  }
}
