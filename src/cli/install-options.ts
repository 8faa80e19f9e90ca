import type { Command } from "commander";
import { repeatable } from "./repeatable.ts";

/**
 * The options of the commands that change an environment (`pip sync`, `pip install`), with uv's
 * names; `environment-update.ts` acts on them.
 */
export function addInstallOptions(command: Command): Command {
  return command
    .option(
      "--reinstall",
      "Reinstall all packages, regardless of whether they're already installed",
    )
    .option(
      "--reinstall-package <PACKAGE>",
      "Reinstall a specific package (repeatable)",
      repeatable,
    )
    .option(
      "--link-mode <LINK_MODE>",
      "How to install files from the cache: clone (default; hardlink where cloning is unsupported), hardlink or copy",
    )
    .option(
      "--require-hashes",
      "Require a matching hash for each requirement [env: PUFFIN_REQUIRE_HASHES=]",
    )
    .option("--compile-bytecode", "Compile Python files to bytecode after installation")
    .option(
      "--strict",
      "Validate the environment after the installation, reporting missing or conflicting dependencies",
    )
    .option("--dry-run", "Perform a dry run: print what would change, change nothing");
}
