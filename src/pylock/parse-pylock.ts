import { parse as parseToml, TomlDate } from "smol-toml";
import { SourceDistFilename, WheelFilename } from "../filenames/index.ts";
import {
  ExtraName,
  GroupName,
  isValidName,
  normalizeName,
  PackageName,
} from "../normalize/index.ts";
import { Version, VersionSpecifiers } from "../pep440/index.ts";
import { MarkerTree } from "../pep508/index.ts";
import { log, PuffinError, redactCredentials } from "../support/index.ts";
import {
  isPylockFileName,
  type Pylock,
  type PylockArchive,
  type PylockDirectory,
  type PylockFile,
  type PylockHashes,
  type PylockPackage,
  type PylockVcs,
  pylockFileName,
  type TomlTable,
  type TomlValue,
} from "./pylock.ts";

/**
 * Reads and fully validates a `pylock.toml` (PEP 751). `path` is the file as the user named it:
 * its name must be `pylock.toml` or `pylock.NAME.toml`, and it names the file in errors.
 *
 * Errors (`PuffinError`):
 * - `invalid-pylock-name`: the file name is not a lock file's;
 * - `invalid-pylock`: not TOML, or a key is missing, of the wrong type or invalid — the message
 *   names the file, the key (`packages[3].wheels[0].hashes`) and the problem;
 * - `unsupported-pylock-version`: a `lock-version` whose major version is not 1 (a higher minor
 *   version is read, with a warning, as the specification asks).
 *
 * Keys the specification does not define are ignored (a later minor version may add some).
 */
export function parsePylock(text: string, path: string): Pylock {
  const fileName = path.split(/[/\\]/).at(-1) ?? path;
  if (!isPylockFileName(fileName)) {
    throw new PuffinError(
      "invalid-pylock-name",
      `${path}: a lock file must be named \`pylock.toml\` or \`pylock.NAME.toml\`, not \`${fileName}\``,
      {
        hint: "PEP 751 names lock files `pylock.toml`, or `pylock.NAME.toml` with a name without dots",
      },
    );
  }
  let document: TomlTable;
  try {
    document = parseToml(text) as TomlTable;
  } catch (error) {
    throw new PuffinError(
      "invalid-pylock",
      `${path}: not valid TOML: ${firstLine(error instanceof Error ? error.message : String(error))}`,
      { cause: error },
    );
  }
  return new LockReader(path).lock(document);
}

/** Walks the document, naming each key by its path for errors. */
class LockReader {
  constructor(readonly path: string) {}

  lock(document: TomlTable): Pylock {
    const lockVersion = this.lockVersion(document);
    const lock: Pylock = {
      lockVersion,
      environments: this.optionalArray(document, "environments", "", (value, key) =>
        this.marker(this.string(value, key), key),
      ),
      requiresPython: this.optionalSpecifiers(document, "requires-python", ""),
      extras: this.optionalArray(document, "extras", "", (value, key) =>
        this.normalized(this.string(value, key), key, "extra", ExtraName.parse),
      ),
      dependencyGroups: this.optionalArray(document, "dependency-groups", "", (value, key) =>
        this.group(this.string(value, key), key),
      ),
      defaultGroups: this.optionalArray(document, "default-groups", "", (value, key) =>
        this.group(this.string(value, key), key),
      ),
      createdBy: this.string(this.required(document, "created-by", ""), "created-by"),
      packages: this.array(this.required(document, "packages", ""), "packages").map(
        (value, index) => this.package(value, `packages[${index}]`),
      ),
      tool: this.optionalTable(document, "tool", ""),
    };
    return lock;
  }

  lockVersion(document: TomlTable): string {
    const text = this.string(this.required(document, "lock-version", ""), "lock-version");
    const match = /^(\d+)\.(\d+)$/.exec(text);
    if (match === null) {
      throw this.invalid("lock-version", `\`${text}\` is not a version like \`1.0\``);
    }
    const major = Number(match[1]);
    if (major !== 1) {
      throw new PuffinError(
        "unsupported-pylock-version",
        `${this.path}: lock-version \`${text}\` is not supported: Puffin reads lock version 1.x`,
        { hint: "A newer tool wrote this lock in a format Puffin does not know" },
      );
    }
    if (Number(match[2]) > 0) {
      log.warn(
        `${this.path}: lock-version ${text} is newer than 1.0; reading it as 1.0 (keys it adds are ignored)`,
      );
    }
    return text;
  }

  package(value: TomlValue, key: string): PylockPackage {
    const table = this.table(value, key);
    const name = this.normalized(
      this.string(this.required(table, "name", key), `${key}.name`),
      `${key}.name`,
      "package",
      PackageName.parse,
    );
    const pkg: PylockPackage = {
      name,
      version: this.optional(table, "version", key, (v, k) => this.version(this.string(v, k), k)),
      marker: this.optional(table, "marker", key, (v, k) => this.marker(this.string(v, k), k)),
      requiresPython: this.optionalSpecifiers(table, "requires-python", key),
      dependencies: this.optionalArray(table, "dependencies", key, (v, k) => this.table(v, k)),
      vcs: this.optional(table, "vcs", key, (v, k) => this.vcs(v, k)),
      directory: this.optional(table, "directory", key, (v, k) => this.directory(v, k)),
      archive: this.optional(table, "archive", key, (v, k) => this.archive(v, k)),
      index: this.optional(table, "index", key, (v, k) => this.string(v, k)),
      sdist: this.optional(table, "sdist", key, (v, k) => this.file(v, k)),
      wheels: this.optionalArray(table, "wheels", key, (v, k) => this.file(v, k)),
      attestationIdentities: this.optionalArray(table, "attestation-identities", key, (v, k) => {
        const identity = this.table(v, k);
        this.string(this.required(identity, "kind", k), `${k}.kind`);
        return identity;
      }),
      tool: this.optionalTable(table, "tool", key),
    };
    this.checkSources(pkg, key);
    return pkg;
  }

  /** One source kind per package, and file names that agree with the package. */
  checkSources(pkg: PylockPackage, key: string): void {
    const direct = [
      pkg.vcs && "vcs",
      pkg.directory && "directory",
      pkg.archive && "archive",
    ].filter((kind): kind is string => typeof kind === "string");
    const files = pkg.sdist !== undefined || (pkg.wheels?.length ?? 0) > 0;
    if (files && direct.length > 0) {
      throw this.invalid(
        key,
        `package \`${pkg.name}\` has ${direct.join(" and ")} besides sdist/wheels; a package has exactly one source`,
      );
    }
    if (!files && direct.length !== 1) {
      throw this.invalid(
        key,
        direct.length === 0
          ? `package \`${pkg.name}\` has no source: none of sdist, wheels, archive, directory, vcs`
          : `package \`${pkg.name}\` has ${direct.join(" and ")}; a package has exactly one source`,
      );
    }
    if (files && pkg.version === undefined) {
      throw this.invalid(
        `${key}.version`,
        `package \`${pkg.name}\` has registry files (sdist/wheels) but no version`,
      );
    }
    pkg.wheels?.forEach((wheel, index) => {
      const where = `${key}.wheels[${index}]`;
      const fileName = this.fileName(wheel, where);
      const parsed = WheelFilename.tryParse(fileName);
      if (parsed === undefined)
        throw this.invalid(where, `\`${fileName}\` is not a wheel file name`);
      this.checkNameAndVersion(pkg, parsed.name, parsed.version, fileName, where);
    });
    if (pkg.sdist !== undefined) {
      const where = `${key}.sdist`;
      const fileName = this.fileName(pkg.sdist, where);
      const parsed = SourceDistFilename.tryParse(fileName, pkg.name);
      if (parsed === undefined) {
        throw this.invalid(where, `\`${fileName}\` is not a source distribution file name`);
      }
      this.checkNameAndVersion(pkg, parsed.name, parsed.version, fileName, where);
    }
  }

  checkNameAndVersion(
    pkg: PylockPackage,
    name: PackageName,
    version: Version,
    fileName: string,
    key: string,
  ): void {
    if (name !== pkg.name) {
      throw this.invalid(key, `\`${fileName}\` is not a file of package \`${pkg.name}\``);
    }
    if (pkg.version !== undefined && !version.equals(pkg.version)) {
      throw this.invalid(
        key,
        `\`${fileName}\` is version ${version.toString()}, but the package is ${pkg.version.toString()}`,
      );
    }
  }

  fileName(file: PylockFile, key: string): string {
    const name = pylockFileName(file);
    if (name === undefined) throw this.invalid(key, "no file name in `name`, `path` or `url`");
    return name;
  }

  vcs(value: TomlValue, key: string): PylockVcs {
    const table = this.table(value, key);
    const vcs: PylockVcs = {
      type: this.string(this.required(table, "type", key), `${key}.type`),
      url: this.optional(table, "url", key, (v, k) => this.string(v, k)),
      path: this.optional(table, "path", key, (v, k) => this.string(v, k)),
      requestedRevision: this.optional(table, "requested-revision", key, (v, k) =>
        this.string(v, k),
      ),
      commitId: this.string(this.required(table, "commit-id", key), `${key}.commit-id`),
      subdirectory: this.optional(table, "subdirectory", key, (v, k) => this.string(v, k)),
    };
    this.checkLocation(vcs, key);
    return vcs;
  }

  directory(value: TomlValue, key: string): PylockDirectory {
    const table = this.table(value, key);
    return {
      path: this.string(this.required(table, "path", key), `${key}.path`),
      editable: this.optional(table, "editable", key, (v, k) => this.boolean(v, k)),
      subdirectory: this.optional(table, "subdirectory", key, (v, k) => this.string(v, k)),
    };
  }

  archive(value: TomlValue, key: string): PylockArchive {
    const table = this.table(value, key);
    const archive: PylockArchive = {
      url: this.optional(table, "url", key, (v, k) => this.string(v, k)),
      path: this.optional(table, "path", key, (v, k) => this.string(v, k)),
      size: this.optional(table, "size", key, (v, k) => this.size(v, k)),
      uploadTime: this.optional(table, "upload-time", key, (v, k) => this.dateTime(v, k)),
      hashes: this.hashes(this.required(table, "hashes", key), `${key}.hashes`),
      subdirectory: this.optional(table, "subdirectory", key, (v, k) => this.string(v, k)),
    };
    this.checkLocation(archive, key);
    return archive;
  }

  file(value: TomlValue, key: string): PylockFile {
    const table = this.table(value, key);
    const file: PylockFile = {
      name: this.optional(table, "name", key, (v, k) => this.string(v, k)),
      uploadTime: this.optional(table, "upload-time", key, (v, k) => this.dateTime(v, k)),
      url: this.optional(table, "url", key, (v, k) => this.string(v, k)),
      path: this.optional(table, "path", key, (v, k) => this.string(v, k)),
      size: this.optional(table, "size", key, (v, k) => this.size(v, k)),
      hashes: this.hashes(this.required(table, "hashes", key), `${key}.hashes`),
    };
    this.checkLocation(file, key);
    return file;
  }

  /** `url` or `path` (at least one); a URL must parse. */
  checkLocation(
    location: { readonly url?: string | undefined; readonly path?: string | undefined },
    key: string,
  ): void {
    if (!location.url && !location.path) throw this.invalid(key, "needs `url` or `path`");
    if (location.url !== undefined && !URL.canParse(location.url)) {
      throw this.invalid(`${key}.url`, `\`${redactCredentials(location.url)}\` is not a URL`);
    }
  }

  hashes(value: TomlValue, key: string): PylockHashes {
    const table = this.table(value, key);
    const hashes: [string, string][] = [];
    for (const [algorithm, digest] of Object.entries(table)) {
      if (!/^[A-Za-z0-9_-]+$/.test(algorithm)) {
        throw this.invalid(`${key}`, `\`${algorithm}\` is not a hash algorithm name`);
      }
      if (typeof digest !== "string") {
        throw this.invalid(
          `${key}.${algorithm}`,
          `expected a hex digest string, found ${typeName(digest)}`,
        );
      }
      if (!/^[0-9a-fA-F]+$/.test(digest)) {
        throw this.invalid(`${key}.${algorithm}`, `\`${digest}\` is not a hex digest`);
      }
      hashes.push([algorithm.toLowerCase(), digest.toLowerCase()]);
    }
    if (hashes.length === 0) {
      throw this.invalid(key, 'at least one hash is required (`sha256 = "…"`)');
    }
    return Object.fromEntries(hashes);
  }

  size(value: TomlValue, key: string): number {
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
      throw this.invalid(key, `expected a size in bytes (an integer), found ${typeName(value)}`);
    }
    return value;
  }

  /** A TOML date-time (offset or local), as RFC 3339 text, to the millisecond. */
  dateTime(value: TomlValue, key: string): string {
    if (!(value instanceof TomlDate) || !value.isDateTime()) {
      throw this.invalid(
        key,
        `expected a TOML date-time (\`2025-01-01T00:00:00Z\`, unquoted), found ${typeName(value)}`,
      );
    }
    // Whole seconds stay whole (`…:06Z`, not `…:06.000Z`), so such a time reads back as written.
    return value.toISOString().replace(/\.000(?=[Zz+-]|$)/, "");
  }

  marker(text: string, key: string): MarkerTree {
    try {
      return MarkerTree.parse(text);
    } catch (error) {
      throw this.invalid(key, `invalid marker \`${text}\`: ${messageOf(error)}`, error);
    }
  }

  version(text: string, key: string): Version {
    try {
      return Version.parse(text);
    } catch (error) {
      throw this.invalid(key, `invalid version \`${text}\`: ${messageOf(error)}`, error);
    }
  }

  optionalSpecifiers(
    table: TomlTable,
    name: string,
    parent: string,
  ): VersionSpecifiers | undefined {
    return this.optional(table, name, parent, (value, key) => {
      const text = this.string(value, key);
      try {
        return VersionSpecifiers.parse(text);
      } catch (error) {
        throw this.invalid(
          key,
          `invalid version specifiers \`${text}\`: ${messageOf(error)}`,
          error,
        );
      }
    });
  }

  /** A name that must already be normalized (PEP 751 writes names normalized). */
  normalized<T extends string>(
    text: string,
    key: string,
    kind: string,
    parse: (name: string) => T,
  ): T {
    if (!isValidName(text)) throw this.invalid(key, `\`${text}\` is not a valid ${kind} name`);
    if (normalizeName(text) !== text) {
      throw this.invalid(
        key,
        `${kind} name \`${text}\` is not normalized (write \`${normalizeName(text)}\`)`,
      );
    }
    return parse(text);
  }

  group(text: string, key: string): GroupName {
    if (!isValidName(text)) throw this.invalid(key, `\`${text}\` is not a valid group name`);
    return GroupName.parse(text);
  }

  required(table: TomlTable, name: string, parent: string): TomlValue {
    const value = table[name];
    if (value === undefined) throw this.invalid(join(parent, name), "required key is missing");
    return value;
  }

  optional<T>(
    table: TomlTable,
    name: string,
    parent: string,
    read: (value: TomlValue, key: string) => T,
  ): T | undefined {
    const value = table[name];
    return value === undefined ? undefined : read(value, join(parent, name));
  }

  optionalArray<T>(
    table: TomlTable,
    name: string,
    parent: string,
    read: (value: TomlValue, key: string) => T,
  ): T[] | undefined {
    return this.optional(table, name, parent, (value, key) =>
      this.array(value, key).map((item, index) => read(item, `${key}[${index}]`)),
    );
  }

  optionalTable(table: TomlTable, name: string, parent: string): TomlTable | undefined {
    return this.optional(table, name, parent, (value, key) => this.table(value, key));
  }

  string(value: TomlValue, key: string): string {
    if (typeof value !== "string")
      throw this.invalid(key, `expected a string, found ${typeName(value)}`);
    return value;
  }

  boolean(value: TomlValue, key: string): boolean {
    if (typeof value !== "boolean") {
      throw this.invalid(key, `expected a boolean, found ${typeName(value)}`);
    }
    return value;
  }

  array(value: TomlValue, key: string): readonly TomlValue[] {
    if (!Array.isArray(value))
      throw this.invalid(key, `expected an array, found ${typeName(value)}`);
    return value as readonly TomlValue[];
  }

  table(value: TomlValue, key: string): TomlTable {
    if (!isTable(value)) throw this.invalid(key, `expected a table, found ${typeName(value)}`);
    return plainTable(value);
  }

  invalid(key: string, problem: string, cause?: unknown): PuffinError {
    return new PuffinError("invalid-pylock", `${this.path}: \`${key}\`: ${problem}`, {
      cause,
    });
  }
}

/**
 * A copy of a parsed table as plain objects (the TOML reader makes null-prototype ones), so a
 * lock read back equals the model it was written from. `Object.fromEntries` defines keys as own
 * properties: a `__proto__` key stays a key.
 */
function plainTable(table: TomlTable): TomlTable {
  return Object.fromEntries(Object.entries(table).map(([key, value]) => [key, plainValue(value)]));
}

function plainValue(value: TomlValue): TomlValue {
  if (Array.isArray(value)) return value.map(plainValue);
  return isTable(value) ? plainTable(value) : value;
}

function join(parent: string, name: string): string {
  return parent === "" ? name : `${parent}.${name}`;
}

function isTable(value: TomlValue): value is TomlTable {
  return typeof value === "object" && !Array.isArray(value) && !(value instanceof Date);
}

function typeName(value: TomlValue): string {
  if (Array.isArray(value)) return "an array";
  if (value instanceof Date) return "a date-time";
  switch (typeof value) {
    case "string":
      return `a string (${JSON.stringify(redactCredentials(value.length > 60 ? `${value.slice(0, 57)}...` : value))})`;
    case "number":
      return Number.isInteger(value) ? `an integer (${value})` : `a float (${value})`;
    case "boolean":
      return `a boolean (${value})`;
    default:
      return "a table";
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function firstLine(text: string): string {
  return text.split("\n")[0] ?? text;
}
