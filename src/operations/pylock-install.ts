import { basename, dirname, isAbsolute, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type DistributionDatabase, HashStrategy } from "../distribution/index.ts";
import {
  type Dist,
  type FileOrigin,
  IndexUrl,
  Resolution,
  type ResolvedDist,
  registryDistOf,
} from "../distribution-types/index.ts";
import { DistFilename } from "../filenames/index.ts";
import type { Interpreter } from "../interpreter/index.ts";
import type { ExtraName, GroupName, PackageName } from "../normalize/index.ts";
import { VerbatimUrl } from "../pep508/index.ts";
import {
  isPylockFileName,
  type Pylock,
  type PylockFile,
  type PylockHashes,
  type PylockPackage,
  type PylockSelected,
  parsePylock,
  pylockFileName,
  selectFromPylock,
} from "../pylock/index.ts";
import type { SimpleFile } from "../pypi-types/index.ts";
import { PuffinError, readFileUpToSync, redactCredentials } from "../support/index.ts";
import type { OperationReporter } from "./reporter.ts";

/**
 * Installing from a PEP 751 lock (`pip sync pylock.toml`, `pip install -r pylock.toml`): the
 * lock is read and validated, its packages selected for the target interpreter by the
 * specification's installer algorithm (`selectFromPylock`), and the selection becomes the
 * `Resolution` the installer installs — no resolver runs.
 *
 * Every file is checked against the lock's hashes: a wheel or sdist becomes a registry
 * distribution whose listing states the lock's digests (all must match, as for an index's), and
 * the lock's digests are also the package's `--hash` values, so `--require-hashes` holds; an
 * `archive` is a URL or path distribution with the lock's digests as its `--hash` values. A
 * `directory` or `vcs` entry has no file to hash (and is refused under `--require-hashes`, as
 * for a requirements file).
 */

/** A lock file among a command's requirement sources, by its name (PEP 751's file names). */
export function isLockSource(path: string): boolean {
  return isPylockFileName(basename(path));
}

/** Which extras and groups to install from a lock. */
export interface LockSelection {
  readonly extras: readonly ExtraName[];
  /** Every extra the lock lists. */
  readonly allExtras: boolean;
  /** `undefined`: the lock's `default-groups`. */
  readonly groups: readonly GroupName[] | undefined;
}

export interface LockSource {
  readonly path: string;
  readonly lock: Pylock;
}

/** The lock file at `path` (relative to `cwd`), read and validated. */
export function readLockSource(path: string, cwd: string): LockSource {
  const absolute = resolve(cwd, path);
  let bytes: Uint8Array | undefined;
  try {
    bytes = readFileUpToSync(absolute, LOCK_FILE_LIMIT);
  } catch (error) {
    throw new PuffinError("pylock-unreadable", `Failed to read \`${path}\``, { cause: error });
  }
  if (bytes === undefined) {
    throw new PuffinError(
      "pylock-unreadable",
      `\`${path}\` is larger than ${LOCK_FILE_LIMIT / 1024 / 1024} MiB, more than a lock file Puffin reads`,
    );
  }
  return { path: absolute, lock: parsePylock(new TextDecoder().decode(bytes), path) };
}

/** A lock of a large universal project is a few megabytes; 64 MiB bounds a hostile one. */
const LOCK_FILE_LIMIT = 64 * 1024 * 1024;

/**
 * The hash strategy that checks the selected files against the lock (the command's database is
 * created with it): each package's lock digests are its `--hash` values. `requireHashes` is
 * `--require-hashes`.
 */
export function lockHashStrategy(
  selected: readonly PylockSelected[],
  requireHashes: boolean,
): HashStrategy {
  const allowed = new Map<PackageName, Map<string, string[]>>();
  for (const { package: pkg, choice } of selected) {
    const hashes = choiceHashes(choice);
    if (hashes === undefined) continue;
    allowed.set(
      pkg.name,
      new Map(Object.entries(hashes).map(([algorithm, digest]) => [algorithm, [digest]])),
    );
  }
  return new HashStrategy(allowed, requireHashes);
}

/** `selectFromPylock` for the interpreter, with the command's extras and groups. */
export function selectForInterpreter(
  source: LockSource,
  interpreter: Interpreter,
  selection: LockSelection,
): PylockSelected[] {
  return selectFromPylock(
    source.lock,
    {
      environment: interpreter.markers,
      tags: interpreter.tags(),
      extras: selection.allExtras ? (source.lock.extras ?? []) : selection.extras,
      dependencyGroups: selection.groups,
    },
    source.path,
  );
}

/** The selection as the resolution to install (every package requested, as pip does). */
export async function lockResolution(
  source: LockSource,
  selected: readonly PylockSelected[],
  database: DistributionDatabase,
  reporter: OperationReporter | undefined,
): Promise<Resolution> {
  reporter?.onResolveStart?.();
  const started = performance.now();
  const base = dirname(source.path);
  const resolved = await Promise.all(
    selected.map(async ({ package: pkg, index, choice }): Promise<ResolvedDist> => {
      const where = `${source.path}: packages[${index}] (\`${pkg.name}\`)`;
      let dist: Dist;
      switch (choice.kind) {
        case "wheel":
        case "sdist": {
          const file = choice.kind === "wheel" ? choice.wheel : choice.sdist;
          dist = registryDist(pkg, file, base, where);
          break;
        }
        case "archive":
        case "directory":
        case "vcs": {
          const url = directUrl(choice, base, where);
          const located = await database.locate(url, {
            editable: choice.kind === "directory" && choice.directory.editable === true,
          });
          dist = await database.named(located, pkg.name);
          break;
        }
      }
      const version = pkg.version ?? (await database.metadata(dist)).version;
      return { dist, version, requested: true, extras: [], dependents: [] };
    }),
  );
  const resolution = new Resolution(resolved);
  reporter?.onResolved?.(resolution.size, performance.now() - started);
  return resolution;
}

function choiceHashes(choice: PylockSelected["choice"]): PylockHashes | undefined {
  switch (choice.kind) {
    case "wheel":
      return choice.wheel.hashes;
    case "sdist":
      return choice.sdist.hashes;
    case "archive":
      return choice.archive.hashes;
    default:
      return undefined;
  }
}

/**
 * A lock's wheel or sdist as the registry file it is: listed by the lock's `index` (or, without
 * one, by the directory holding it, like a find-links location), stating the lock's digests.
 */
function registryDist(pkg: PylockPackage, file: PylockFile, base: string, where: string): Dist {
  const url = fileUrl(file, base, where);
  const filename = pylockFileName(file) ?? "";
  const distFilename = DistFilename.parse(filename, pkg.name);
  const simple: SimpleFile = {
    filename,
    distFilename,
    url,
    hashes: file.hashes,
    requiresPython: undefined,
    requiresPythonRaw: undefined,
    yanked: undefined,
    coreMetadata: undefined,
    size: file.size,
    uploadTime: file.uploadTime,
  };
  const dist = registryDistOf(pkg.name, { file: simple, origin: originOf(pkg, url, where) });
  if (dist !== undefined) return dist;
  throw new PuffinError("invalid-pylock", `${where}: \`${filename}\` is not a wheel or an sdist`);
}

function originOf(pkg: PylockPackage, url: string, where: string): FileOrigin {
  if (pkg.index !== undefined) {
    try {
      return { kind: "index", index: IndexUrl.parse(pkg.index) };
    } catch (error) {
      throw new PuffinError(
        "invalid-pylock",
        `${where}: index \`${redactCredentials(pkg.index)}\` is not an index URL`,
        { cause: error },
      );
    }
  }
  const parent = new URL(".", url);
  if (parent.protocol === "file:") {
    return { kind: "find-links", location: { kind: "path", path: fileURLToPath(parent) } };
  }
  return {
    kind: "find-links",
    location: { kind: "url", url: parent.href, redacted: redactCredentials(parent.href) },
  };
}

/** Where a lock's file is: its `path` (relative to the lock's directory) first, else its `url`. */
function fileUrl(
  file: { readonly path?: string | undefined; readonly url?: string | undefined },
  base: string,
  where: string,
): string {
  if (file.path !== undefined && file.path !== "") {
    return pathToFileURL(isAbsolute(file.path) ? file.path : resolve(base, file.path)).href;
  }
  if (file.url === undefined) throw new PuffinError("invalid-pylock", `${where}: no url or path`);
  const parsed = new URL(file.url);
  if (!["https:", "http:", "file:"].includes(parsed.protocol)) {
    throw new PuffinError(
      "invalid-pylock",
      `${where}: \`${redactCredentials(file.url)}\` is not an https://, http:// or file:// URL`,
    );
  }
  return parsed.href;
}

/** An `archive`, `directory` or `vcs` entry as the direct reference it stands for. */
function directUrl(
  choice: Extract<PylockSelected["choice"], { kind: "archive" | "directory" | "vcs" }>,
  base: string,
  where: string,
): VerbatimUrl {
  switch (choice.kind) {
    case "archive": {
      const url = fileUrl(choice.archive, base, where);
      const subdirectory = choice.archive.subdirectory;
      return VerbatimUrl.parse(
        subdirectory === undefined ? url : `${url}#subdirectory=${subdirectory}`,
      );
    }
    case "directory": {
      const { path, subdirectory } = choice.directory;
      const absolute = resolve(base, path, subdirectory ?? ".");
      return VerbatimUrl.parse(pathToFileURL(absolute).href);
    }
    case "vcs": {
      const { vcs } = choice;
      const location =
        vcs.path !== undefined && vcs.path !== ""
          ? pathToFileURL(resolve(base, vcs.path)).href
          : (vcs.url ?? "");
      const fragment = vcs.subdirectory === undefined ? "" : `#subdirectory=${vcs.subdirectory}`;
      return VerbatimUrl.parse(`${vcs.type}+${location}@${vcs.commitId}${fragment}`);
    }
  }
}
