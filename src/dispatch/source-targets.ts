import type { RegistryFile } from "../client/index.ts";
import { type DirectSource, directDistSource } from "../distribution/index.ts";
import type { DesiredDist } from "../distribution-types/index.ts";
import type { WheelSource } from "../installer/index.ts";
import type { PackageName } from "../normalize/index.ts";
import type { VerbatimUrl } from "../pep508/index.ts";
import type { DirectUrl } from "../pypi-types/index.ts";
import type { RegistryProviderOptions } from "../resolver/index.ts";
import { PuffinError } from "../support/index.ts";
import type { BuildDispatch } from "./build-dispatch.ts";

/**
 * How commands plug source builds into the resolver and the installer (the calls `pip compile`,
 * `pip sync` and `pip install` share):
 * - `sourceProviderOptions`: the `RegistryProvider` options that read sdists' metadata (index
 *   sdists, and URL requirements that name an sdist, a directory or a git repository);
 * - `registryWheelSource`: the wheel to fetch for a registry file (an sdist is built first);
 * - `directTarget`: a URL / path / git / editable requirement as a desired distribution, with
 *   its `direct_url.json` and a way to get its wheel when the plan says it must be installed;
 * - `pinnedUrl`: the URL `pip compile` writes (a git URL pinned to its full commit).
 */
export function sourceProviderOptions(
  dispatch: BuildDispatch,
): Required<Pick<RegistryProviderOptions, "sourceMetadata" | "sourceUrlMetadata">> {
  return {
    sourceMetadata: (file) => dispatch.sources.indexMetadata(file),
    sourceUrlMetadata: (name, url) => dispatch.sources.urlMetadata(name, url),
  };
}

/** The wheel of a registry file: the file itself, or the wheel built from an sdist. */
export async function registryWheelSource(
  dispatch: BuildDispatch,
  file: RegistryFile,
): Promise<WheelSource> {
  if (file.file.distFilename.kind === "wheel") return { kind: "registry", file };
  return { kind: "path", path: (await dispatch.sources.indexWheel(file)).path };
}

/** A requirement on something to build, as the installer's plan and `direct_url.json` see it. */
export interface DirectTarget {
  readonly dist: DesiredDist;
  readonly directUrl: DirectUrl;
  readonly source: DirectSource;
  /**
   * The wheel to install: built, or found in the built-wheel cache (an editable wheel is built
   * each time, into a directory `dispatch.close()` removes).
   */
  wheel(): Promise<WheelSource>;
}

/**
 * The desired distribution of a URL requirement that names no wheel (undefined for a wheel,
 * which the installer handles as it is): its name and version from its metadata (read without a
 * build where possible), checked against `name` when the requirement names one.
 */
export async function directTarget(
  dispatch: BuildDispatch,
  url: VerbatimUrl,
  options: { readonly name?: PackageName | undefined; readonly editable?: boolean },
): Promise<DirectTarget | undefined> {
  const source = await dispatch.sources.locate(url, options.editable === true);
  if (source === undefined) return undefined;
  const { metadata } = await dispatch.sources.metadata(source, options.name);
  const { source: distSource, directUrl } = await directDistSource(source);
  return {
    dist: { name: metadata.name, version: metadata.version, source: distSource },
    directUrl,
    source,
    wheel: async () => ({
      kind: "path",
      path: (await dispatch.sources.wheel(source, metadata.name)).path,
    }),
  };
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
