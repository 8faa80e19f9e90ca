import type { SourceDistFilename, WheelFilename } from "../filenames/index.ts";
import type { PackageName } from "../normalize/index.ts";
import type { VerbatimUrl } from "../pep508/index.ts";
import {
  type DirectUrl,
  type FileHashes,
  splitHashFragment,
  type VcsDirectUrl,
} from "../pypi-types/index.ts";
import type { RegistryFile } from "./registry-file.ts";

/**
 * A distribution: one package and where its files come from. The one description of "what to
 * install" that every layer above shares — the resolver produces it, the distribution database
 * reads its metadata and makes its wheel, the installer plans with it, `direct_url.json` and the
 * cache keys are functions of it. Built (a wheel) or source (something to build), from a
 * registry (the file an index or find-links location listed, as the resolver chose it) or from
 * a direct reference (a URL, a path, a directory, a git repository).
 *
 * The version of a registry or filename-named distribution is in its filename; a directory's
 * or a repository's is known only from its metadata, so a version lives beside the `Dist` in a
 * `Resolution`.
 */
export type Dist = RegistryDist | DirectDist;

/** A file an index or a find-links location listed, as the resolver chose it for this target. */
export type RegistryDist =
  | {
      readonly kind: "registry-wheel";
      readonly name: PackageName;
      readonly file: RegistryFile;
      readonly filename: WheelFilename;
    }
  | {
      readonly kind: "registry-sdist";
      readonly name: PackageName;
      readonly file: RegistryFile;
      readonly filename: SourceDistFilename;
    };

/**
 * What a direct reference (`pkg @ URL`, a path, `-e ./dir`, `git+…`) turned out to be once
 * located, before its project's name is known (a `setup.py` project names itself only through
 * its backend):
 * - `url-wheel` / `url-sdist`: a remote file (`https:`), whose filename says what it is;
 * - `path-wheel` / `path-sdist`: a file on disk (a path or a `file:` URL);
 * - `directory`: a local project, installed as is or editable (PEP 660);
 * - `git`: a repository, fetched and checked out at the commit its reference resolved to.
 *
 * `modifiedMs` of local sources is when they last changed (for a directory: the newest of the
 * directory and its `pyproject.toml`, `setup.py`, `setup.cfg`), so the planner can tell that an
 * installed copy is older than its source.
 */
export type DirectSource =
  | { readonly kind: "url-wheel"; readonly url: VerbatimUrl; readonly filename: WheelFilename }
  | {
      readonly kind: "path-wheel";
      readonly url: VerbatimUrl;
      readonly path: string;
      readonly filename: WheelFilename;
      readonly modifiedMs: number;
    }
  | {
      readonly kind: "url-sdist";
      readonly url: VerbatimUrl;
      readonly filename: SourceDistFilename;
    }
  | {
      readonly kind: "path-sdist";
      readonly url: VerbatimUrl;
      readonly path: string;
      readonly filename: SourceDistFilename;
      readonly modifiedMs: number;
    }
  | {
      readonly kind: "directory";
      readonly url: VerbatimUrl;
      readonly path: string;
      readonly editable: boolean;
      readonly modifiedMs: number;
    }
  | { readonly kind: "git"; readonly url: VerbatimUrl; readonly git: GitCheckout };

/** A direct reference, named. */
export type DirectDist = DirectSource & { readonly name: PackageName };

/** A git reference resolved and checked out (in the cache's `git` bucket). */
export interface GitCheckout {
  /** The repository URL, without the reference (`git+https://host/repo.git`). */
  readonly repository: string;
  /** The full commit the reference resolved to. */
  readonly commit: string;
  readonly subdirectory: string | undefined;
  /** The checkout, with the subdirectory applied: where the project is. */
  readonly path: string;
  /** The URL pinned to the commit (`git+https://…@<commit>#subdirectory=…`), for pins. */
  readonly pinnedUrl: string;
  /** What `direct_url.json` records for it (PEP 610). */
  readonly directUrl: VcsDirectUrl;
}

/** Whether the distribution is a wheel already (nothing to build). */
export function isBuiltDist<D extends Dist | DirectSource>(
  dist: D,
): dist is Extract<D, { kind: "registry-wheel" | "url-wheel" | "path-wheel" }> {
  return dist.kind === "registry-wheel" || dist.kind === "url-wheel" || dist.kind === "path-wheel";
}

/** Whether an index or a find-links location listed it (not a direct reference). */
/**
 * A listed file as the distribution the installer takes: a `registry-wheel` or a
 * `registry-sdist`, or `undefined` for a legacy format (an egg, an installer) that Puffin
 * cannot install — each caller says why in its own words.
 */
export function registryDistOf(name: PackageName, file: RegistryFile): RegistryDist | undefined {
  const parsed = file.file.distFilename;
  if (parsed.kind === "wheel") {
    return { kind: "registry-wheel", name, file, filename: parsed.filename };
  }
  if (parsed.kind === "sdist") {
    return { kind: "registry-sdist", name, file, filename: parsed.filename };
  }
  return undefined;
}

export function isRegistryDist(dist: Dist | DirectSource): dist is RegistryDist {
  return dist.kind === "registry-wheel" || dist.kind === "registry-sdist";
}

/** Whether it is a project directory installed in editable mode (PEP 660). */
export function isEditable<D extends Dist | DirectSource>(
  dist: D,
): dist is Extract<D, { kind: "directory" }> {
  return dist.kind === "directory" && (dist as { editable: boolean }).editable;
}

/**
 * The digests the distribution's source states for its file: the index listing of a registry
 * file, the `#sha256=…` fragment of a URL or `file:` reference (which count as the user's own).
 */
export function statedHashes(dist: Dist | DirectSource): FileHashes {
  switch (dist.kind) {
    case "registry-wheel":
    case "registry-sdist":
      return dist.file.file.hashes;
    case "url-wheel":
    case "url-sdist":
    case "path-wheel":
    case "path-sdist":
      return splitHashFragment(dist.url.url.href).hashes;
    case "directory":
    case "git":
      return {};
  }
}

/**
 * How the reference is shown where a version would be (` + pkg @ URL`, error messages): the URL
 * as given, credentials masked. Undefined for a registry distribution.
 */
export function shownUrl(dist: Dist | DirectSource): string | undefined {
  return isRegistryDist(dist) ? undefined : dist.url.redacted();
}

/**
 * What `direct_url.json` records (PEP 610) for a distribution installed from a direct reference;
 * undefined for a registry one. `archiveHashes` are the digests of the archive installed from a
 * URL or path (its SHA-256, at least), when known.
 */
export function directUrlOf(
  dist: Dist | DirectSource,
  archiveHashes: Readonly<Record<string, string>> = {},
): DirectUrl | undefined {
  switch (dist.kind) {
    case "registry-wheel":
    case "registry-sdist":
      return undefined;
    case "url-wheel":
    case "url-sdist":
    case "path-wheel":
    case "path-sdist": {
      const sha256 = archiveHashes["sha256"];
      return {
        kind: "archive",
        url: withoutFragment(dist.url.url.href),
        hashes: sha256 === undefined ? {} : { sha256 },
      };
    }
    case "directory":
      return { kind: "dir", url: directoryUrl(dist.url), editable: dist.editable };
    case "git":
      return dist.git.directUrl;
  }
}

/** A directory's URL without a trailing slash, as pip records it. */
export function directoryUrl(url: VerbatimUrl): string {
  return withoutFragment(url.url.href).replace(/\/+$/, "");
}

function withoutFragment(href: string): string {
  const hash = href.indexOf("#");
  return hash < 0 ? href : href.slice(0, hash);
}
