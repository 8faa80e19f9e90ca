import type { ExtraName, GroupName, PackageName } from "../normalize/index.ts";
import type { Version, VersionSpecifiers } from "../pep440/index.ts";
import type { MarkerTree } from "../pep508/index.ts";

/**
 * A PEP 751 lock file (`pylock.toml`) as a plain typed structure: what `parsePylock` reads and
 * `renderPylock` writes. Fields mirror the specification's keys one for one (kebab-case keys in
 * camelCase), in the order the specification lists them, so a lock can be built from a
 * resolution by hand and checked against the spec line by line.
 * https://packaging.python.org/en/latest/specifications/pylock-toml/
 *
 * Values are parsed into the domain's types (`Version`, `VersionSpecifiers`, `MarkerTree`,
 * normalized names); what the specification leaves free-form (`dependencies`, `tool`,
 * attestation identities) stays a `TomlTable`. Optional keys are `undefined` when absent: the
 * writer leaves them out. Invariants the types cannot say (one source kind per package, file
 * names consistent with the package, at least one hash per file) are checked by `parsePylock`,
 * and by `renderPylock`, which refuses to write a lock it could not read back.
 */
export interface Pylock {
  /** `MAJOR.MINOR`; Puffin writes `1.0` and reads any `1.x`. */
  readonly lockVersion: string;
  /** Markers of the environments the lock supports; absent: any environment. */
  readonly environments?: readonly MarkerTree[] | undefined;
  /** The Pythons every package of the lock supports. */
  readonly requiresPython?: VersionSpecifiers | undefined;
  /** The extras the lock supports (for `'name' in extras` in package markers). */
  readonly extras?: readonly ExtraName[] | undefined;
  /** The dependency groups the lock supports (for `'name' in dependency_groups`). */
  readonly dependencyGroups?: readonly GroupName[] | undefined;
  /** The groups installed when none is requested. */
  readonly defaultGroups?: readonly GroupName[] | undefined;
  /** The tool that wrote the lock (`puffin`). */
  readonly createdBy: string;
  readonly packages: readonly PylockPackage[];
  readonly tool?: TomlTable | undefined;
}

/**
 * One entry of `[[packages]]`. Its source is exactly one of: `vcs`, `directory`, `archive`, or
 * registry files (`sdist` and/or `wheels`, optionally with the `index` that served them).
 */
export interface PylockPackage {
  readonly name: PackageName;
  /** Required for registry files; absent for a source tree whose version may change. */
  readonly version?: Version | undefined;
  /** When the package is installed; evaluated with PEP 751's `extras` and `dependency_groups`. */
  readonly marker?: MarkerTree | undefined;
  readonly requiresPython?: VersionSpecifiers | undefined;
  /** Inline tables naming other entries of `packages` (enough keys to tell them apart). */
  readonly dependencies?: readonly TomlTable[] | undefined;
  readonly vcs?: PylockVcs | undefined;
  readonly directory?: PylockDirectory | undefined;
  readonly archive?: PylockArchive | undefined;
  /** The simple-API index the `sdist`/`wheels` come from (a base URL). */
  readonly index?: string | undefined;
  readonly sdist?: PylockFile | undefined;
  readonly wheels?: readonly PylockFile[] | undefined;
  /** Each with at least `kind` (a string). */
  readonly attestationIdentities?: readonly TomlTable[] | undefined;
  readonly tool?: TomlTable | undefined;
}

/** A version-control checkout (`[packages.vcs]`): `url` or `path`, pinned to `commitId`. */
export interface PylockVcs {
  /** `git`, `hg`, `svn` or `bzr` (the names of `direct_url.json`). */
  readonly type: string;
  readonly url?: string | undefined;
  readonly path?: string | undefined;
  readonly requestedRevision?: string | undefined;
  readonly commitId: string;
  readonly subdirectory?: string | undefined;
}

/** A local source tree (`[packages.directory]`); `path` relative to the lock's directory or absolute. */
export interface PylockDirectory {
  readonly path: string;
  readonly editable?: boolean | undefined;
  readonly subdirectory?: string | undefined;
}

/** A direct archive (`[packages.archive]`): a wheel or sdist by `url` or `path`. */
export interface PylockArchive {
  readonly url?: string | undefined;
  readonly path?: string | undefined;
  readonly size?: number | undefined;
  /** See `PylockFile.uploadTime`. */
  readonly uploadTime?: string | undefined;
  readonly hashes: PylockHashes;
  readonly subdirectory?: string | undefined;
}

/**
 * A registry file: the `sdist`, or one of the `wheels`. `name` is the file's name (when absent,
 * the last segment of `path` or `url`); `url` or `path` says where it is.
 */
export interface PylockFile {
  readonly name?: string | undefined;
  /**
   * When the file was uploaded, RFC 3339 (`2025-01-25T11:30:10.164Z`); written as a TOML
   * date-time. Read back with millisecond precision (what a TOML reader in JavaScript keeps).
   */
  readonly uploadTime?: string | undefined;
  readonly url?: string | undefined;
  readonly path?: string | undefined;
  readonly size?: number | undefined;
  readonly hashes: PylockHashes;
}

/** Hex digests by `hashlib` algorithm name (`sha256`); at least one. */
export type PylockHashes = Readonly<Record<string, string>>;

/** A TOML value as `smol-toml` reads it (a `Date` for date-times). */
export type TomlValue = string | number | boolean | Date | readonly TomlValue[] | TomlTable;

export interface TomlTable {
  readonly [key: string]: TomlValue;
}

/** The lock version Puffin writes. */
export const PYLOCK_VERSION = "1.0";

const NAMED = /^pylock\.([^.]+)\.toml$/;

/**
 * Whether a file name is a lock file's: `pylock.toml`, or `pylock.NAME.toml` with a name
 * without dots (the specification's "File Name" section).
 */
export function isPylockFileName(fileName: string): boolean {
  return fileName === "pylock.toml" || NAMED.test(fileName);
}

/**
 * The file name of a registry file or archive: `name`, else the last segment of `path`, else
 * of `url`'s path (percent-decoded); `undefined` when none gives one.
 */
export function pylockFileName(file: {
  readonly name?: string | undefined;
  readonly path?: string | undefined;
  readonly url?: string | undefined;
}): string | undefined {
  if (file.name !== undefined && file.name !== "") return file.name;
  if (file.path !== undefined && file.path !== "") {
    const last = file.path.split(/[/\\]/).at(-1);
    if (last !== undefined && last !== "") return last;
  }
  if (file.url !== undefined) {
    try {
      const path = new URL(file.url).pathname;
      const last = decodeURIComponent(path.slice(path.lastIndexOf("/") + 1));
      if (last !== "") return last;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
