import type { Command } from "commander";
import { repeatable } from "./repeatable.ts";

/**
 * The options that add requirement sources beside a command's own inputs, shared by the commands
 * that resolve (`pip compile`, `pip install`): `-c/--constraint` and `--override` files, and the
 * extras of `pyproject.toml` inputs (`--extra`, `--all-extras`), with uv's names. Registers the
 * options on `command`, in this order. `pyproject` says, in the help of `--extra` and
 * `--all-extras`, which `pyproject.toml` files the command reads (its inputs, or those given
 * with `-r`).
 */
export function addRequirementSourceOptions(
  command: Command,
  pyproject: { readonly extra: string; readonly allExtras: string },
): Command {
  return command
    .option(
      "-c, --constraint <CONSTRAINT>",
      "Constrain versions using the given requirements files (repeatable)",
      repeatable,
    )
    .option(
      "--override <OVERRIDE>",
      "Override versions using the given requirements files (repeatable)",
      repeatable,
    )
    .option(
      "--extra <EXTRA>",
      `Include optional dependencies from the given extra of ${pyproject.extra} (repeatable)`,
      repeatable,
    )
    .option("--all-extras", `Include all optional dependencies of ${pyproject.allExtras}`);
}
