import type { PackageName } from "../normalize/index.ts";
import {
  type FlatIndex,
  parseSimpleJsonProject,
  type SimpleFile,
  type SimpleProject,
} from "../pypi-types/index.ts";

/**
 * How parsed index pages and flat indexes are stored in the cache (`simple-v0`,
 * `flat-index-v0`): as a PEP 691 JSON document with absolute file URLs, whatever the page's
 * own format was. Reading an entry back is then the JSON parser's job, with its checks: an entry
 * that does not parse is a bad entry, fetched again. HTML pages are parsed once, when fetched.
 * https://packaging.python.org/en/latest/specifications/simple-repository-api/#json-serialization
 */

/** A project as a PEP 691 document (text). */
export function serializeSimpleProject(project: SimpleProject): string {
  const document: Record<string, unknown> = {
    meta: {
      "api-version": project.meta.apiVersion,
      ...(project.meta.lastSerial === undefined ? {} : { "_last-serial": project.meta.lastSerial }),
    },
    name: project.name,
    files: project.files.map(fileDocument),
  };
  if (project.versions !== undefined) document["versions"] = project.versions;
  return JSON.stringify(document);
}

/** The inverse of `serializeSimpleProject`; `url` names the page in errors. */
export function deserializeSimpleProject(
  raw: unknown,
  url: string,
  name: PackageName,
): SimpleProject {
  if (typeof raw !== "string") throw new TypeError("a cached index page must be a string");
  return parseSimpleJsonProject(raw, { url, packageName: name });
}

/** A flat index as one PEP 691 document per package. */
export function serializeFlatIndex(index: FlatIndex): Record<string, string> {
  const stored: Record<string, string> = {};
  for (const [name, files] of index) {
    stored[name] = serializeSimpleProject({
      name,
      files,
      versions: undefined,
      meta: { apiVersion: "1.0", lastSerial: undefined },
    });
  }
  return stored;
}

/** The inverse of `serializeFlatIndex`; `url` names the location in errors. */
export function deserializeFlatIndex(raw: unknown, url: string): FlatIndex {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new TypeError("a cached flat index must be an object");
  }
  const index = new Map<PackageName, readonly SimpleFile[]>();
  for (const [name, text] of Object.entries(raw as Record<string, unknown>)) {
    const project = deserializeSimpleProject(text, url, name as PackageName);
    index.set(project.name, project.files);
  }
  return index;
}

function fileDocument(file: SimpleFile): Record<string, unknown> {
  const document: Record<string, unknown> = {
    filename: file.filename,
    url: file.url,
    hashes: file.hashes,
  };
  if (file.requiresPythonRaw !== undefined) document["requires-python"] = file.requiresPythonRaw;
  if (file.yanked !== undefined) document["yanked"] = file.yanked.reason ?? true;
  if (file.coreMetadata !== undefined) {
    document["core-metadata"] = file.coreMetadata === true ? true : file.coreMetadata.hashes;
  }
  if (file.size !== undefined) document["size"] = file.size;
  if (file.uploadTime !== undefined) document["upload-time"] = file.uploadTime;
  return document;
}
