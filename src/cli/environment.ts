import { type Command, Option } from "commander";
import type { SitePackages } from "../installer/index.ts";
import type { Interpreter } from "../interpreter/index.ts";
import { type CommandContext, openCache } from "./command-context.ts";
import { probeTimeoutMs } from "./probe-timeout.ts";

/**
 * The environment a `pip` command reads or changes, found as every command finds it: `--python`,
 * else `VIRTUAL_ENV`, `CONDA_PREFIX`, then a `.venv` in the working directory or above.
 */
export interface EnvironmentOptions {
  python?: string;
}

export interface Environment {
  interpreter: Interpreter;
  site: SitePackages;
}

/** `-p, --python`: which environment's interpreter to use. */
export function pythonOption(purpose: string): Option {
  return new Option(
    "-p, --python <PYTHON>",
    `The Python interpreter of the environment to ${purpose} (a path, name or version)`,
  );
}

/** The environment's interpreter and its installed distributions (purelib and platlib). */
export async function openEnvironment(
  command: Command,
  options: EnvironmentOptions,
  context: CommandContext,
): Promise<Environment> {
  const { findEnvironmentInterpreter } = await import("../interpreter/index.ts");
  const interpreter = await findEnvironmentInterpreter({
    python: options.python,
    env: context.env,
    cwd: context.cwd,
    cache: await openCache(command, context),
    probeTimeoutMs: probeTimeoutMs(context.env),
  });
  return { interpreter, site: await readSitePackages(interpreter) };
}

/** The distributions installed for `interpreter` (read again after a change). */
export async function readSitePackages(interpreter: Interpreter): Promise<SitePackages> {
  const { SitePackages } = await import("../installer/index.ts");
  const { purelib, platlib } = interpreter.info.scheme;
  return SitePackages.read([purelib, platlib]);
}
