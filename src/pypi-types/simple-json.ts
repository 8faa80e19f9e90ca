import { PackageName } from "../normalize/index.ts";
import { PuffinError, redactCredentials } from "../support/index.ts";
import {
  type CoreMetadata,
  checkApiVersion,
  type FileHashes,
  type SimpleFile,
  type SimpleIndex,
  type SimpleProject,
  splitHashFragment,
  toSimpleFile,
  type Yanked,
} from "./simple-file.ts";

/**
 * PEP 691 JSON pages of the simple repository API (`application/vnd.pypi.simple.v1+json`), with
 * PEP 700's `versions`, `size` and `upload-time`.
 * https://packaging.python.org/en/latest/specifications/simple-repository-api/#json-serialization
 *
 * The shape is checked as it is read: a response that is not what PEP 691 describes fails with
 * code `invalid-simple-json`, naming the URL and the offending field (`files[3].hashes`). Keys
 * the PEPs do not define are ignored.
 */

export interface SimpleJsonOptions {
  /** The URL the page was fetched from: relative file URLs resolve against it. */
  readonly url: string;
  /** The project asked for; when absent, the page's `name` is used to split sdist filenames. */
  readonly packageName?: PackageName;
}

type JsonObject = { readonly [key: string]: unknown };

/** A project page. */
export function parseSimpleJsonProject(text: string, options: SimpleJsonOptions): SimpleProject {
  const reader = new ShapeReader(options.url);
  const root = reader.object(reader.parse(text), "the response");
  const meta = readMeta(reader, root);
  const rawName = reader.string(root["name"], "name");
  let name: PackageName;
  try {
    name = PackageName.parse(rawName);
  } catch (error) {
    throw reader.error(`name ${JSON.stringify(rawName)} is not a valid project name`, error);
  }
  const packageName = options.packageName ?? name;
  const files: SimpleFile[] = [];
  for (const [index, value] of reader.array(root["files"], "files").entries()) {
    const file = readFile(reader, value, `files[${index}]`, packageName);
    if (file !== undefined) files.push(file);
  }
  const versionsValue = root["versions"];
  const versions =
    versionsValue === undefined
      ? undefined
      : reader
          .array(versionsValue, "versions")
          .map((version, index) => reader.string(version, `versions[${index}]`));
  return { name, files, versions, meta };
}

/** The root page: `{"meta": …, "projects": [{"name": …}, …]}`. */
export function parseSimpleJsonIndex(text: string, url: string): SimpleIndex {
  const reader = new ShapeReader(url);
  const root = reader.object(reader.parse(text), "the response");
  const meta = readMeta(reader, root);
  // Project URLs are `<index>/<normalized name>/` (PEP 503).
  const base = url.endsWith("/") ? url : `${url}/`;
  const projects = reader.array(root["projects"], "projects").map((value, index) => {
    const where = `projects[${index}]`;
    const rawName = reader.string(reader.object(value, where)["name"], `${where}.name`);
    let name: PackageName;
    try {
      name = PackageName.parse(rawName);
    } catch (error) {
      throw reader.error(
        `${where}.name ${JSON.stringify(rawName)} is not a valid project name`,
        error,
      );
    }
    return { name, url: new URL(`${name}/`, base).href };
  });
  return { projects, meta };
}

function readMeta(reader: ShapeReader, root: JsonObject): SimpleProject["meta"] {
  const meta = reader.object(root["meta"], "meta");
  const apiVersion = checkApiVersion(
    reader.string(meta["api-version"], "meta.api-version"),
    reader.url,
  );
  const serial = meta["_last-serial"];
  return {
    apiVersion,
    lastSerial: serial === undefined ? undefined : reader.count(serial, "meta._last-serial"),
  };
}

function readFile(
  reader: ShapeReader,
  value: unknown,
  where: string,
  packageName: PackageName,
): SimpleFile | undefined {
  const file = reader.object(value, where);
  const filename = reader.string(file["filename"], `${where}.filename`);
  const written = reader.string(file["url"], `${where}.url`);
  if (!URL.canParse(written, reader.url)) throw reader.error(`${where}.url is not a valid URL`);
  // A fragment is not PEP 691's place for hashes, but one that is there is honoured, under `hashes`.
  const { url, hashes: fragmentHashes } = splitHashFragment(new URL(written, reader.url).href);
  const hashes = { ...fragmentHashes, ...readHashes(reader, file["hashes"], `${where}.hashes`) };
  const requiresPython = file["requires-python"];
  const size = file["size"];
  const uploadTime = file["upload-time"];
  return toSimpleFile(
    {
      filename,
      url,
      hashes,
      requiresPython:
        requiresPython === undefined || requiresPython === null
          ? undefined
          : reader.string(requiresPython, `${where}.requires-python`),
      yanked: readYanked(reader, file["yanked"], `${where}.yanked`),
      // PEP 714: `core-metadata` is the name; `dist-info-metadata` the older one.
      coreMetadata:
        file["core-metadata"] !== undefined
          ? readCoreMetadata(reader, file["core-metadata"], `${where}.core-metadata`)
          : readCoreMetadata(reader, file["dist-info-metadata"], `${where}.dist-info-metadata`),
      size: size === undefined || size === null ? undefined : reader.count(size, `${where}.size`),
      uploadTime:
        uploadTime === undefined || uploadTime === null
          ? undefined
          : reader.timestamp(uploadTime, `${where}.upload-time`),
    },
    packageName,
    `${where}.filename of ${reader.url}`,
  );
}

function readHashes(reader: ShapeReader, value: unknown, where: string): FileHashes {
  const hashes: Record<string, string> = {};
  for (const [algorithm, digest] of Object.entries(reader.object(value, where))) {
    hashes[algorithm.toLowerCase()] = reader.string(digest, `${where}.${algorithm}`).toLowerCase();
  }
  return hashes;
}

/** `true` or a reason string means yanked (PEP 592/691); `false` or absent means not. */
function readYanked(reader: ShapeReader, value: unknown, where: string): Yanked | undefined {
  if (value === undefined || value === null || value === false) return undefined;
  if (value === true) return { reason: undefined };
  const reason = reader.string(value, where);
  return { reason: reason === "" ? undefined : reason };
}

/** `true`, or the metadata file's hashes (PEP 658/691); `false` or absent means none. */
function readCoreMetadata(
  reader: ShapeReader,
  value: unknown,
  where: string,
): CoreMetadata | undefined {
  if (value === undefined || value === null || value === false) return undefined;
  if (value === true) return true;
  return { hashes: readHashes(reader, value, where) };
}

const RFC_3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/** Reads JSON values with errors that name the URL and the field. */
class ShapeReader {
  constructor(readonly url: string) {}

  parse(text: string): unknown {
    try {
      return JSON.parse(text);
    } catch {
      // JSON.parse's own message quotes the text raw (control characters and all): the start
      // of the body, escaped, says what the server sent instead.
      const start = JSON.stringify(text.slice(0, 40)) + (text.length > 40 ? "…" : "");
      throw this.error(`the response is not valid JSON (it starts with ${start})`);
    }
  }

  error(what: string, cause?: unknown): PuffinError {
    return new PuffinError(
      "invalid-simple-json",
      `Invalid simple API JSON from ${redactCredentials(this.url)}: ${what}`,
      cause === undefined ? {} : { cause },
    );
  }

  object(value: unknown, where: string): JsonObject {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw this.error(`${where} must be an object, not ${describe(value)}`);
    }
    return value as JsonObject;
  }

  array(value: unknown, where: string): readonly unknown[] {
    if (!Array.isArray(value))
      throw this.error(`${where} must be an array, not ${describe(value)}`);
    return value;
  }

  string(value: unknown, where: string): string {
    if (typeof value !== "string")
      throw this.error(`${where} must be a string, not ${describe(value)}`);
    return value;
  }

  count(value: unknown, where: string): number {
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
      throw this.error(`${where} must be a non-negative integer, not ${describe(value)}`);
    }
    return value;
  }

  timestamp(value: unknown, where: string): string {
    const text = this.string(value, where);
    if (!RFC_3339.test(text) || Number.isNaN(Date.parse(text))) {
      throw this.error(`${where} must be an RFC 3339 timestamp, not ${JSON.stringify(text)}`);
    }
    return text;
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string")
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === "object") return "an object";
  return String(value);
}
