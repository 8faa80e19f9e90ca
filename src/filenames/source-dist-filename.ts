import { isValidName, normalizeName, PackageName } from "../normalize/index.ts";
import type { Version } from "../pep440/index.ts";
import { PuffinError, unsafeFileNameReason } from "../support/index.ts";
import { parseVersionPart } from "./version-part.ts";

/**
 * The archive formats of source distributions Puffin accepts: those uv's `SourceDistExtension`
 * accepts. New sdists are `.tar.gz` (PEP 625); older ones on indexes use the others.
 */
export type SourceDistExtension =
  | "tar.gz"
  | "zip"
  | "tar.bz2"
  | "tar.xz"
  | "tar.zst"
  | "tar.lzma"
  | "tar.lz"
  | "tar"
  | "tgz"
  | "tbz"
  | "txz"
  | "tlz";

const EXTENSIONS: readonly SourceDistExtension[] = [
  "tar.gz",
  "zip",
  "tar.bz2",
  "tar.xz",
  "tar.zst",
  "tar.lzma",
  "tar.lz",
  "tar",
  "tgz",
  "tbz",
  "txz",
  "tlz",
];

/** The source-distribution archive extension `filename` ends with, if any. */
export function sourceDistExtension(filename: string): SourceDistExtension | undefined {
  for (const extension of EXTENSIONS) {
    if (filename.endsWith(extension) && filename[filename.length - extension.length - 1] === ".") {
      return extension;
    }
  }
  return undefined;
}

/**
 * `{name}-{version}.{extension}`: https://packaging.python.org/en/latest/specifications/source-distribution-format/
 *
 * Names may contain `-` in older sdists (`pypi-simple-0.1.0.tar.gz`), so splitting name from
 * version is ambiguous. With the expected package name (the index page the file is listed on),
 * the filename must start with that name, in any spelling that normalizes to it, as uv requires.
 * Without one, the split is at the last `-` that leaves a valid name on the left and a PEP 440
 * version on the right, the guess pypi-simple makes (`3-1-1.0.0.zip` → `3-1`, `1.0.0`).
 */
export class SourceDistFilename {
  readonly name: PackageName;
  readonly version: Version;
  readonly extension: SourceDistExtension;

  private constructor(name: PackageName, version: Version, extension: SourceDistExtension) {
    this.name = name;
    this.version = version;
    this.extension = extension;
  }

  /**
   * Throws a `PuffinError` with code `invalid-sdist-filename` saying what is wrong, including a
   * filename that does not start with `packageName`.
   */
  static parse(filename: string, packageName?: PackageName): SourceDistFilename {
    const parsed = SourceDistFilename.#parseOrReason(filename, packageName);
    if (typeof parsed === "string") {
      throw new PuffinError(
        "invalid-sdist-filename",
        `Not a valid source distribution filename: ${JSON.stringify(filename)}: ${parsed}`,
        { hint: "Source distribution filenames look like `name-1.0.tar.gz`" },
      );
    }
    return parsed;
  }

  /** Like `parse`, for the common case of skipping what is not an sdist (index pages). */
  static tryParse(filename: string, packageName?: PackageName): SourceDistFilename | undefined {
    const parsed = SourceDistFilename.#parseOrReason(filename, packageName);
    return typeof parsed === "string" ? undefined : parsed;
  }

  /**
   * The canonical (PEP 625) filename: normalized name in its `_` form, normalized version. Not
   * necessarily the string parsed.
   */
  toString(): string {
    return `${PackageName.asDistInfoName(this.name)}-${this.version}.${this.extension}`;
  }

  /** The parsed filename, or the reason it is not one. */
  static #parseOrReason(
    filename: string,
    packageName: PackageName | undefined,
  ): SourceDistFilename | string {
    const extension = sourceDistExtension(filename);
    if (extension === undefined) return "it has no source distribution archive extension";
    const unsafe = unsafeFileNameReason(filename);
    if (unsafe !== undefined) return `it is not a plain file name: ${unsafe}`;
    const stem = filename.slice(0, -extension.length - 1);
    if (packageName !== undefined) {
      for (let dash = stem.indexOf("-"); dash !== -1; dash = stem.indexOf("-", dash + 1)) {
        const namePart = stem.slice(0, dash);
        if (!isValidName(namePart) || normalizeName(namePart) !== packageName) continue;
        const versionPart = stem.slice(dash + 1);
        const version = parseVersionPart(versionPart);
        if (version === undefined) return `${JSON.stringify(versionPart)} is not a valid version`;
        return new SourceDistFilename(packageName, version, extension);
      }
      return `it does not start with the package name \`${packageName}\` followed by \`-\``;
    }
    for (let dash = stem.lastIndexOf("-"); dash > 0; dash = stem.lastIndexOf("-", dash - 1)) {
      const namePart = stem.slice(0, dash);
      if (!isValidName(namePart)) continue;
      const version = parseVersionPart(stem.slice(dash + 1));
      if (version !== undefined) {
        return new SourceDistFilename(PackageName.fromValid(namePart), version, extension);
      }
    }
    return "no `-` separates a valid name from a valid version";
  }
}
