import type { Command } from "commander";
import { type Refresh, refreshFromArgs } from "../cache/index.ts";
import { IndexLocations } from "../distribution-types/index.ts";
import { PackageName } from "../normalize/index.ts";
import { repeatable } from "./repeatable.ts";

/**
 * The index and network options every command that reads packages takes (`pip compile`,
 * `pip install`, `pip sync`…), with uv's names and environment variables. Register them with
 * `addIndexOptions(command)`, read them back with `registrySettings(command.opts(), context)`.
 */
export interface IndexOptionValues {
  indexUrl?: string;
  extraIndexUrl?: string[];
  findLinks?: string[];
  /** Commander's name for `--no-index`: `false` when given (it defaults to `true`). */
  index?: boolean;
  offline?: boolean;
  refresh?: boolean;
  refreshPackage?: string[];
}

/** What the options mean for the registry client. */
export interface RegistrySettings {
  readonly locations: IndexLocations;
  /** `--offline` or `PUFFIN_OFFLINE`: no network access; the cache is used even when stale. */
  readonly offline: boolean;
  /** `--refresh` / `--refresh-package`, for `Cache.fromSettings`. */
  readonly refresh: Refresh;
}

export function addIndexOptions(command: Command): Command {
  return command
    .option(
      "-i, --index-url <INDEX_URL>",
      "The URL of the Python package index (default: https://pypi.org/simple) [env: PUFFIN_INDEX_URL=]",
    )
    .option(
      "--extra-index-url <EXTRA_INDEX_URL>",
      "Extra URLs of package indexes to use, consulted before --index-url, earlier ones first (repeatable) [env: PUFFIN_EXTRA_INDEX_URL=, space-separated]",
      repeatable,
    )
    .option(
      "-f, --find-links <FIND_LINKS>",
      "Locations to search for candidate distributions, in addition to the indexes: a directory or an HTML page of links (repeatable) [env: PUFFIN_FIND_LINKS=, space-separated]",
      repeatable,
    )
    .option(
      "--no-index",
      "Ignore the registry indexes, using only --find-links [env: PUFFIN_NO_INDEX=]",
    )
    .option(
      "--offline",
      "Disable network access; use only cached data and local files [env: PUFFIN_OFFLINE=]",
    )
    .option("--refresh", "Refresh all cached data (revalidate it with the server)")
    .option(
      "--refresh-package <PACKAGE>",
      "Refresh the cached data of a specific package (repeatable)",
      repeatable,
    );
}

/** The index options found inside requirements files. */
export interface FileIndexOptions {
  /** The last `--index-url` of the files. */
  readonly indexUrl: string | undefined;
  readonly extraIndexUrls: readonly string[];
  readonly findLinks: readonly string[];
  readonly noIndex: boolean;
}

/**
 * Index options from requirements files join the command line's, as in pip and uv: the command
 * line's (or the environment's) `--index-url` wins over a file's; extra indexes and find-links
 * add up, the command line's first; `--no-index` anywhere applies. For a command registered with
 * `addIndexOptions`, before `registrySettings` reads the values back.
 */
export function mergeFileIndexOptions(
  command: Command,
  files: FileIndexOptions,
  env: NodeJS.ProcessEnv,
): void {
  const given = command.opts<IndexOptionValues>();
  if (
    given.indexUrl === undefined &&
    env["PUFFIN_INDEX_URL"] === undefined &&
    files.indexUrl !== undefined
  ) {
    command.setOptionValue("indexUrl", files.indexUrl);
  }
  if (files.extraIndexUrls.length > 0) {
    command.setOptionValue("extraIndexUrl", [
      ...(given.extraIndexUrl ?? []),
      ...files.extraIndexUrls,
    ]);
  }
  if (files.findLinks.length > 0) {
    command.setOptionValue("findLinks", [...(given.findLinks ?? []), ...files.findLinks]);
  }
  if (files.noIndex) command.setOptionValue("index", false);
}

/** Reads back the values `addIndexOptions` registered, with the environment as fallback. */
export function registrySettings(
  options: IndexOptionValues,
  context: { env: NodeJS.ProcessEnv; cwd?: string; now?: number },
): RegistrySettings {
  const locations = IndexLocations.fromSettings({
    indexUrl: options.indexUrl,
    extraIndexUrls: options.extraIndexUrl,
    findLinks: options.findLinks,
    noIndex: options.index === false,
    env: context.env,
    ...(context.cwd === undefined ? {} : { cwd: context.cwd }),
  });
  const refresh = refreshFromArgs(
    {
      refresh: options.refresh === true,
      refreshPackages: (options.refreshPackage ?? []).map((name) => PackageName.parse(name)),
    },
    context.now,
  );
  return {
    locations,
    offline: options.offline === true || isTruthy(context.env["PUFFIN_OFFLINE"]),
    refresh,
  };
}

function isTruthy(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes|on)$/i.test(value);
}
