import type { Command } from "commander";
import type { ConfigSettings } from "../build-context/index.ts";
import { PuffinError } from "../support/index.ts";
import { repeatable } from "./repeatable.ts";

/**
 * The build options of the commands that may build (`pip compile`, `pip sync`, `pip install`),
 * with uv's names: `--no-build`, `--no-build-isolation`, `-C, --config-setting KEY=VALUE`
 * (read back by `buildSettings` in `settings.ts`).
 */

export function addBuildOptions(command: Command): Command {
  return command
    .option(
      "--no-build",
      "Don't build source distributions: every package must have a wheel (like `--only-binary :all:`)",
    )
    .option(
      "--no-build-isolation",
      "Build in the target environment, with the build requirements already installed there",
    )
    .option(
      "-C, --config-setting <KEY=VALUE>",
      "Settings passed to the PEP 517 build backend (repeatable)",
      repeatable,
    );
}

/**
 * PEP 517 `config_settings` from `KEY=VALUE` values: a key given once maps to its value, a key
 * given several times to the list of its values (as pip passes repeated settings).
 */
export function parseConfigSettings(values: readonly string[]): ConfigSettings {
  const settings: Record<string, string | string[]> = {};
  for (const value of values) {
    const equals = value.indexOf("=");
    if (equals <= 0) {
      throw new PuffinError(
        "invalid-config-setting",
        `Invalid --config-setting \`${value}\`: expected KEY=VALUE`,
      );
    }
    const key = value.slice(0, equals);
    const setting = value.slice(equals + 1);
    const previous = settings[key];
    settings[key] =
      previous === undefined
        ? setting
        : Array.isArray(previous)
          ? [...previous, setting]
          : [previous, setting];
  }
  return settings;
}
