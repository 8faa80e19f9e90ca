import type { Command } from "commander";
import type { BuildOptions, ConfigSettings, PackageSelection } from "../build-context/index.ts";
import type { BuildDispatch } from "../dispatch/index.ts";
import type { Interpreter } from "../interpreter/index.ts";
import type { PackageName } from "../normalize/index.ts";
import { PuffinError } from "../support/index.ts";
import type { RegistrySession } from "./command-context.ts";
import { repeatable } from "./repeatable.ts";
import { PUFFIN_VERSION } from "./version.ts";

/**
 * The build options of the commands that may build (`pip compile`, `pip sync`, `pip install`),
 * with uv's names: `--no-build`, `--no-build-isolation`, `-C, --config-setting KEY=VALUE`.
 * Register them with `addBuildOptions(command)`; open the build services with
 * `openBuildDispatch` (which the resolver and installer then use through `src/dispatch`).
 */
export interface BuildOptionValues {
  /** `--no-build` sets it to false. */
  build?: boolean;
  /** `--no-build-isolation` sets it to false. */
  buildIsolation?: boolean;
  configSetting?: string[];
}

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

/** The build settings of a command: its build flags with its `--no-binary` / `--only-binary`. */
export function buildOptions(
  values: BuildOptionValues,
  binaries: {
    readonly noBinary: readonly (PackageName | ":all:")[];
    readonly onlyBinary: readonly (PackageName | ":all:")[];
  },
): BuildOptions {
  return {
    noBuild: values.build === false ? { kind: "all" } : selection(binaries.onlyBinary),
    noBinary: selection(binaries.noBinary),
    configSettings: parseConfigSettings(values.configSetting ?? []),
  };
}

function selection(list: readonly (PackageName | ":all:")[]): PackageSelection {
  if (list.includes(":all:")) return { kind: "all" };
  if (list.length === 0) return { kind: "none" };
  return { kind: "packages", names: new Set(list as PackageName[]) };
}

/**
 * The build services of a command from its build flags (and its `--no-binary` /
 * `--only-binary`, when it has them), building for `interpreter`; see `openBuildDispatch`.
 */
export function openSourceBuilds(
  session: RegistrySession,
  interpreter: Interpreter,
  values: BuildOptionValues,
  env: NodeJS.ProcessEnv,
  binaries: Parameters<typeof buildOptions>[1] = { noBinary: [], onlyBinary: [] },
): Promise<BuildDispatch> {
  return openBuildDispatch(session, interpreter, {
    ...buildOptions(values, binaries),
    isolation: values.buildIsolation !== false,
    env,
  });
}

/**
 * The build services of a command over its registry session, building for `interpreter`;
 * `close()` the result before the session (it removes what was downloaded for builds).
 */
export async function openBuildDispatch(
  session: RegistrySession,
  interpreter: Interpreter,
  options: BuildOptions & { readonly isolation: boolean; readonly env: NodeJS.ProcessEnv },
): Promise<BuildDispatch> {
  const { BuildDispatch } = await import("../dispatch/index.ts");
  return BuildDispatch.create({
    interpreter,
    cache: session.cache,
    client: session.client,
    http: session.http,
    options: { ...options, archiveLimits: session.archiveLimits },
    isolation: options.isolation,
    git: { offline: session.settings.offline, env: options.env },
    puffinVersion: PUFFIN_VERSION,
  });
}
