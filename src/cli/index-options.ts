import { type Command, InvalidArgumentError, Option } from "commander";
import { INDEX_STRATEGIES, parseIndexSource } from "../distribution-types/index.ts";
import { PuffinError } from "../support/index.ts";
import { repeatable } from "./repeatable.ts";

/**
 * The index and network options every command that reads packages takes (`pip compile`,
 * `pip install`, `pip sync`…), with uv's names and environment variables. Register them with
 * `addIndexOptions(command)`; `indexSettings` (`settings.ts`) reads them back.
 */
export function addIndexOptions(command: Command): Command {
  return command
    .option(
      "--index <INDEX>",
      "The URLs of package indexes to use, `URL` or `NAME=URL`, consulted before --extra-index-url and the default index, earlier ones first (repeatable) [env: PUFFIN_INDEX=, space-separated]",
      collectIndex,
    )
    .addOption(
      new Option(
        "--default-index <DEFAULT_INDEX>",
        "The URL of the default package index (default: https://pypi.org/simple), like --index-url [env: PUFFIN_DEFAULT_INDEX=]",
      ).conflicts("indexUrl"),
    )
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
    .addOption(
      new Option(
        "--index-strategy <INDEX_STRATEGY>",
        "How versions of a package are gathered across indexes: only the first index that has it (first-index, default), or every index [env: PUFFIN_INDEX_STRATEGY=]",
      ).choices(INDEX_STRATEGIES),
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

/**
 * `--index` values, checked as the command line is parsed (a bad `NAME` or an empty URL is a
 * usage error, exit 2). `--index` and `--no-index` share commander's attribute `index`: a list,
 * or `false` once `--no-index` is given, which then wins whatever the order (as in uv, where
 * `--no-index` ignores every index).
 */
function collectIndex(value: string, previous: unknown): string[] | false {
  try {
    parseIndexSource(value);
  } catch (error) {
    if (error instanceof PuffinError) throw new InvalidArgumentError(error.message);
    throw error;
  }
  return previous === false ? false : repeatable(value, previous);
}
