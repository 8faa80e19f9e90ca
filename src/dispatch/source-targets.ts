import { basename } from "node:path";
import type { ConfigSettings } from "../build-context/index.ts";
import { assertHashable, type DirectSource, directDistSource } from "../distribution/index.ts";
import type { DesiredDist, RegistryFile } from "../distribution-types/index.ts";
import { WheelFilename } from "../filenames/index.ts";
import type { WheelRequest } from "../installer/index.ts";
import type { PackageName } from "../normalize/index.ts";
import type { VerbatimUrl } from "../pep508/index.ts";
import { type AllowedHashes, type DirectUrl, splitHashFragment } from "../pypi-types/index.ts";
import type { RegistryProviderOptions } from "../resolver/index.ts";
import { PuffinError } from "../support/index.ts";
import type { BuildDispatch } from "./build-dispatch.ts";

/**
 * How commands plug source builds into the resolver and the installer (the calls `pip compile`,
 * `pip sync` and `pip install` share):
 * - `sourceProviderOptions`: the `RegistryProvider` options that read sdists' metadata (index
 *   sdists, and URL requirements that name an sdist, a directory or a git repository);
 * - `registryWheelRequest`: the wheel to fetch for a registry file (an sdist is built first);
 * - `directTarget`: a URL / path / git / editable requirement as a desired distribution, with
 *   its `direct_url.json` and a way to get its wheel when the plan says it must be installed;
 * - `pinnedUrl`: the URL `pip compile` writes (a git URL pinned to its full commit).
 */
export function sourceProviderOptions(
  dispatch: BuildDispatch,
  hashes?: ReadonlyMap<PackageName, AllowedHashes>,
): Required<Pick<RegistryProviderOptions, "sourceMetadata" | "sourceUrlMetadata">> {
  return {
    // A hash-checked sdist is checked before its metadata is read (which may run its backend).
    sourceMetadata: (file) => {
      const dist = file.file.distFilename;
      const allowed = dist.kind === "sdist" ? hashes?.get(dist.filename.name) : undefined;
      return dispatch.sources.indexMetadata(file, allowed);
    },
    sourceUrlMetadata: (name, url) => dispatch.sources.urlMetadata(name, url),
  };
}

/**
 * The wheel request of a registry file with the requirement's `--hash` values: a wheel is
 * fetched and checked as it is; an sdist's archive is checked (`indexWheel`) and the wheel built
 * from it is fetched unchecked, since no `--hash` can name a wheel built here (as in pip and uv,
 * a hash given for an sdist is the archive's).
 */
export async function registryWheelRequest(
  dispatch: BuildDispatch,
  file: RegistryFile,
  allowedHashes: AllowedHashes | undefined,
): Promise<WheelRequest> {
  if (file.file.distFilename.kind === "wheel") {
    return { source: { kind: "registry", file }, allowedHashes };
  }
  return {
    source: { kind: "path", path: (await dispatch.sources.indexWheel(file, allowedHashes)).path },
  };
}

/** A requirement on something to build, as the installer's plan and `direct_url.json` see it. */
export interface DirectTarget {
  readonly dist: DesiredDist;
  readonly directUrl: DirectUrl;
  readonly source: DirectSource;
  /**
   * The wheel to install: built, or found in the built-wheel cache (an editable wheel is built
   * each time, into a directory `dispatch.close()` removes). Its hashes were the archive's to
   * check (`directTarget`), so the request carries none.
   */
  wheel(): Promise<WheelRequest>;
}

export interface DirectTargetOptions {
  /** The name the requirement gives, checked against the metadata. */
  readonly name?: PackageName | undefined;
  readonly editable?: boolean;
  /** The requirement's `--hash` values: the sdist archive must match one. */
  readonly allowedHashes?: AllowedHashes | undefined;
  /**
   * Hash-checking mode: a directory or git requirement is an error, and so is an archive
   * without `allowedHashes`, before anything is read from it.
   */
  readonly requireHashes?: boolean;
  /** The requirement's own `--config-settings`, merged over the command's for its builds. */
  readonly configSettings?: ConfigSettings | undefined;
}

/**
 * The desired distribution of a URL requirement that names no wheel (undefined for a wheel,
 * which the installer handles as it is): its name and version from its metadata (read without a
 * build where possible), checked against `name` when the requirement names one. In
 * hash-checking mode the archive is checked before its metadata is read.
 */
export async function directTarget(
  dispatch: BuildDispatch,
  url: VerbatimUrl,
  options: DirectTargetOptions,
): Promise<DirectTarget | undefined> {
  const { sources } = dispatch;
  const source = await sources.locate(url, options.editable === true);
  if (source === undefined) return undefined;
  // A URL's own `#sha256=…` counts as the requirement's hash, as in pip (and is always checked).
  const fragmentHashes = Object.keys(splitHashFragment(url.url.href).hashes).length > 0;
  if (options.requireHashes === true) {
    assertHashable(source);
    if (options.allowedHashes === undefined && !fragmentHashes) {
      throw new PuffinError(
        "missing-hash",
        `In --require-hashes mode, every requirement must have a hash, but \`${url.redacted()}\` has none`,
        { hint: "Add `--hash=sha256:…` (the hash of the sdist archive) to its line" },
      );
    }
  }
  if (options.allowedHashes !== undefined) await sources.checkHashes(source, options.allowedHashes);
  const { metadata } = await sources.metadata(source, options.name, options.configSettings);
  const { source: distSource, directUrl } = await directDistSource(source);
  return {
    dist: { name: metadata.name, version: metadata.version, source: distSource },
    directUrl,
    source,
    wheel: async () => ({
      source: {
        kind: "path",
        path: (await sources.wheel(source, metadata.name, options.configSettings)).path,
      },
    }),
  };
}

/**
 * The name of what a bare URL or path requirement holds, from its build backend's metadata (uv's
 * last resort, after filenames, `[project] name` and `setup.cfg`): a `setup.py`-only project
 * is named by `prepare_metadata_for_build_wheel` (or a build). The metadata is remembered for
 * the resolution that follows.
 */
export async function requirementName(
  dispatch: BuildDispatch,
  url: VerbatimUrl,
  editable: boolean,
): Promise<PackageName> {
  const source = await dispatch.sources.locate(url, editable);
  if (source === undefined) {
    // A `.whl` file whose name would have named it, had it been a wheel's name.
    const filename = decodeURIComponent(basename(url.url.pathname));
    let cause: unknown;
    try {
      WheelFilename.parse(filename);
    } catch (error) {
      cause = error;
    }
    throw new PuffinError(
      "invalid-wheel-filename",
      `\`${url.redacted()}\` is not a valid wheel: \`${filename}\` is not a wheel's filename`,
      {
        cause,
        hint: "A wheel is named `{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl` (PEP 427); give the file its real name",
      },
    );
  }
  return (await dispatch.sources.metadata(source)).metadata.name;
}

/**
 * A requirements-file line's `--config-settings` as PEP 517 `config_settings` (undefined when
 * it has none).
 */
export function lineConfigSettings(
  settings: ReadonlyMap<string, string | readonly string[]>,
): ConfigSettings | undefined {
  return settings.size === 0 ? undefined : Object.fromEntries(settings);
}

/**
 * The URL `pip compile` pins a URL requirement to: a git URL at the full commit its reference
 * resolved to (`git+https://…@<commit>#subdirectory=…`), anything else as given.
 */
export async function pinnedUrl(dispatch: BuildDispatch, url: VerbatimUrl): Promise<string> {
  if (!url.given.startsWith("git+")) return url.given;
  const source = await dispatch.sources.locate(url);
  if (source?.kind !== "git") {
    throw new PuffinError("invalid-git-url", `${url.redacted()} is not a git URL`);
  }
  return source.git.canonicalUrl.toString();
}
