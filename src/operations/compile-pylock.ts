import { fileURLToPath } from "node:url";
import {
  type Dist,
  isRegistryDist,
  type RegistryFile,
  statedHashes,
} from "../distribution-types/index.ts";
import type { ExtraName, GroupName } from "../normalize/index.ts";
import type { VersionRange } from "../pep440/index.ts";
import { VersionSpecifiers } from "../pep440/index.ts";
import { MarkerSet, MarkerTree } from "../pep508/index.ts";
import {
  PYLOCK_VERSION,
  type Pylock,
  type PylockFile,
  type PylockHashes,
  type PylockPackage,
} from "../pylock/index.ts";
import { type FileHashes, fileDigests } from "../pypi-types/index.ts";
import type { RegistryProvider } from "../resolver/index.ts";
import { PuffinError, stripCredentials } from "../support/index.ts";
import type { CompiledPin } from "./compile-output.ts";
import { wheelMarker } from "./wheel-marker.ts";

export interface PylockContext {
  readonly provider: RegistryProvider;
  /** The Pythons a universal lock covers; `undefined` for one environment's lock. */
  readonly requiresPython: VersionRange | undefined;
  /** `--environment` markers: the lock's `environments`. */
  readonly environments: readonly MarkerTree[];
  /** The extras the lock supports (`'name' in extras` in its markers). */
  readonly extras: readonly ExtraName[];
  /**
   * The dependency groups the lock supports (`'name' in dependency_groups` in its markers), which
   * are also its `default-groups`: see `buildPylock`.
   */
  readonly dependencyGroups?: readonly GroupName[] | undefined;
  /** `puffin`, the lock's `created-by`. */
  readonly createdBy: string;
}

/**
 * A resolution as a PEP 751 lock: each pin a `[[packages]]` entry with its marker, and for a
 * registry version its index and **every** file the resolution's settings allow — every wheel
 * of every platform and the sdist (`RegistryProvider.distributionFiles`) — with `url`, `size`
 * and `upload-time` where the index gave them, and their hashes; a URL archive as `archive`, a
 * local tree as `directory`, a git checkout as `vcs` pinned to its commit. An installer picks the
 * file for its platform (PEP 751), so one lock serves every environment of the resolution.
 *
 * Hashes are required by PEP 751: a local file the index listed without one is hashed here; a
 * remote file without one cannot be locked (`pylock-missing-hash`).
 * https://packaging.python.org/en/latest/specifications/pylock-toml/
 */
export async function buildPylock(
  pins: readonly CompiledPin[],
  context: PylockContext,
): Promise<Pylock> {
  const packages = await Promise.all(pins.map((pin) => lockPackage(pin, context)));
  const lowest = context.requiresPython?.intervals[0]?.lower;
  const groups = [...(context.dependencyGroups ?? [])].sort();
  return {
    lockVersion: PYLOCK_VERSION,
    ...(context.environments.length === 0 ? {} : { environments: context.environments }),
    ...(lowest === undefined ? {} : { requiresPython: VersionSpecifiers.parse(`>=${lowest}`) }),
    ...(context.extras.length === 0 ? {} : { extras: [...context.extras].sort() }),
    // The groups `pip compile --group` was asked for are what its lock installs by default, as
    // its requirements.txt would: `default-groups` lists them. PEP 751 describes
    // `default-groups` as synthetic names an installer's UI stands for, and says they SHOULD
    // NOT be listed in `dependency-groups`; but a group must be listed there to be requested by
    // name (`pip sync pylock.toml --group g`), so Puffin lists the real groups in both keys, as
    // uv's lock export does with its default groups. The project's own requirements carry no
    // group condition and are installed with or without groups.
    ...(groups.length === 0 ? {} : { dependencyGroups: groups, defaultGroups: groups }),
    createdBy: context.createdBy,
    packages: [...packages].sort(
      (a, b) =>
        compare(a.name, b.name) ||
        (a.version !== undefined && b.version !== undefined ? a.version.compare(b.version) : 0),
    ),
  };
}

async function lockPackage(pin: CompiledPin, context: PylockContext): Promise<PylockPackage> {
  const base = {
    name: pin.name,
    ...(pin.marker === undefined ? {} : { marker: MarkerTree.parse(pin.marker) }),
  };
  const { dist } = pin;
  if (isRegistryDist(dist)) {
    const files = await context.provider.distributionFiles(pin.name, pin.version);
    // In a universal lock, a wheel no environment of the pin can install is left out.
    const where = pin.markerSet ?? MarkerSet.TRUE;
    const wheels = files.filter((f) => {
      const parsed = f.file.distFilename;
      return parsed.kind === "wheel" && !wheelMarker(parsed.filename).isDisjoint(where);
    });
    const sdist = files.find((f) => f.file.distFilename.kind === "sdist");
    const origin = dist.file.origin;
    return {
      ...base,
      version: pin.version,
      ...(origin.kind === "index" ? { index: stripCredentials(origin.index.url) } : {}),
      ...(sdist === undefined ? {} : { sdist: await lockFile(sdist) }),
      ...(wheels.length === 0 ? {} : { wheels: await Promise.all(wheels.map(lockFile)) }),
    };
  }
  return { ...base, ...(await directSource(dist)) };
}

/** A registry file's entry: its name, URL (credentials left out), size, upload time, hashes. */
async function lockFile(registryFile: RegistryFile): Promise<PylockFile> {
  const { file } = registryFile;
  return {
    name: file.filename,
    ...(file.uploadTime === undefined ? {} : { uploadTime: file.uploadTime }),
    url: stripCredentials(file.url),
    ...(file.size === undefined ? {} : { size: file.size }),
    hashes: await hashesOf(file.hashes, file.url),
  };
}

/** The source of a URL, path, directory or git pin. */
async function directSource(dist: Exclude<Dist, { kind: "registry-wheel" | "registry-sdist" }>) {
  switch (dist.kind) {
    case "directory":
      return { directory: { path: dist.path, ...(dist.editable ? { editable: true } : {}) } };
    case "git":
      return {
        vcs: {
          type: "git",
          url: stripCredentials(dist.git.repository.replace(/^git\+/, ""), { keepGitUser: true }),
          commitId: dist.git.commit,
          ...(dist.git.subdirectory === undefined ? {} : { subdirectory: dist.git.subdirectory }),
        },
      };
    case "path-wheel":
    case "path-sdist":
      return {
        archive: { path: dist.path, hashes: await hashesOf(statedHashes(dist), dist.url.url.href) },
      };
    case "url-wheel":
    case "url-sdist": {
      const url = dist.url.url.href.replace(/#.*$/, "");
      return {
        archive: { url: stripCredentials(url), hashes: await hashesOf(statedHashes(dist), url) },
      };
    }
  }
}

/**
 * The digests a lock records for a file: those its source states, else, for a local file, its
 * SHA-256 computed now.
 */
async function hashesOf(stated: FileHashes, url: string): Promise<PylockHashes> {
  const known = Object.fromEntries(
    Object.entries(stated).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  if (Object.keys(known).length > 0) return known;
  if (url.startsWith("file:")) {
    return fileDigests(fileURLToPath(url.replace(/#.*$/, "")), ["sha256"]);
  }
  throw new PuffinError(
    "pylock-missing-hash",
    `Cannot lock ${stripCredentials(url)}: a pylock.toml needs the hash of every file, and its source gives none`,
    { hint: "Use an index that lists hashes (PyPI does), or give the URL a `#sha256=…` fragment" },
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
