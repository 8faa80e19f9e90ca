import { type Command, InvalidArgumentError, Option } from "commander";
import { TARGET_PLATFORM_NAMES, targetPlatformName } from "../platform-tags/index.ts";
import { PuffinError } from "../support/index.ts";
import { repeatable } from "./repeatable.ts";

/**
 * The resolver options of the commands that resolve (`pip compile`, `pip install`), with uv's
 * names: `--resolution`, `--prerelease`, `--exclude-newer`, `--no-binary`, `--only-binary`.
 * Register them with `addResolverOptions(command)`.
 */
export function addResolverOptions(command: Command): Command {
  return command
    .addOption(
      new Option("--resolution <RESOLUTION>", "The strategy to use when selecting between versions")
        .choices(["highest", "lowest", "lowest-direct"])
        .default("highest"),
    )
    .addOption(
      new Option(
        "--prerelease <PRERELEASE>",
        "The strategy to use when considering pre-release versions",
      ).choices(["disallow", "allow", "if-necessary", "explicit", "if-necessary-or-explicit"]),
    )
    .option(
      "--exclude-newer <EXCLUDE_NEWER>",
      "Only consider files uploaded before this date (RFC 3339 timestamp or `YYYY-MM-DD`)",
    )
    .option(
      "--no-binary <PACKAGE>",
      "Do not use wheels for these packages (`:all:` for every package; repeatable)",
      repeatable,
    )
    .option(
      "--only-binary <PACKAGE>",
      "Only use wheels for these packages (`:all:` for every package; repeatable)",
      repeatable,
    );
}

/**
 * `--exclude-newer`: an RFC 3339 timestamp, or a date (`2024-03-01`), which means the start of
 * that day in the local time zone (uv's reading).
 */
export function parseExcludeNewer(text: string): Date {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  const date =
    day === null ? new Date(text) : new Date(Number(day[1]), Number(day[2]) - 1, Number(day[3]));
  if (Number.isNaN(date.getTime())) {
    throw new PuffinError(
      "invalid-exclude-newer",
      `Invalid --exclude-newer \`${text}\`: expected an RFC 3339 timestamp or a YYYY-MM-DD date`,
    );
  }
  return date;
}

/**
 * `--python-platform TARGET`: resolve for another platform than the interpreter's (uv's names,
 * `targetPlatform`). The value is checked as the command line is parsed and becomes uv's name for
 * it; an unknown name is a usage error (exit 2) that lists the names, as a choice error does.
 * The names are not in `--help` (there are fifty); the README lists them.
 */
export function pythonPlatformOption(purpose: string): Option {
  return new Option(
    "--python-platform <PYTHON_PLATFORM>",
    `The platform to ${purpose}, instead of the interpreter's: its markers and wheel tags (e.g. \`linux\`, \`macos\`, \`windows\`, \`x86_64-manylinux_2_28\`, \`aarch64-apple-darwin\`)`,
  ).argParser((value: string) => {
    const name = targetPlatformName(value);
    if (name === undefined) {
      throw new InvalidArgumentError(`Allowed choices are ${TARGET_PLATFORM_NAMES.join(", ")}.`);
    }
    return name;
  });
}
