import type { Command } from "commander";
import { repeatable } from "./repeatable.ts";

/**
 * The index and network options every command that reads packages takes (`pip compile`,
 * `pip install`, `pip sync`…), with uv's names and environment variables. Register them with
 * `addIndexOptions(command)`; `indexSettings` (`settings.ts`) reads them back.
 */
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
