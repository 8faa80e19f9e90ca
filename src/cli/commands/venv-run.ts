import { basename, join, resolve } from "node:path";
import type { CacheSettings } from "../../cache/index.ts";
import type { CreatedVenv } from "../../venv/index.ts";
import { openCacheWith } from "../cache-options.ts";
import type { CommandContext } from "../command-context.ts";
import { probeTimeoutMs } from "../probe-timeout.ts";
import type { IndexOptionValues } from "../settings.ts";
import { PUFFIN_VERSION } from "../version.ts";

/**
 * The work of `puffin venv`, shared by commander's `venv` action (`venv.ts`) and the fast path
 * (`fast-venv.ts`). It imports the rest of the CLI only as types and loads the interpreter,
 * venv and cache modules when it runs, so the fast path's bundle holds only what creating an
 * environment needs.
 */

/** `puffin venv`'s options as commander's `opts()` holds them (see `VENV_OPTIONS`). */
export interface VenvOptions extends IndexOptionValues {
  python?: string;
  seed?: boolean;
  prompt?: string;
  systemSitePackages?: boolean;
  clear?: boolean;
}
/** What `runVenv` needs besides the command line. */
export interface VenvRun {
  context: CommandContext;
  cache: CacheSettings;
  /** `--seed`: installs the seed packages into the new environment. */
  seed: ((created: CreatedVenv) => Promise<void>) | undefined;
}

/** Creates the environment at `path` and tells the user how to activate it. */
export async function runVenv(path: string, options: VenvOptions, run: VenvRun): Promise<void> {
  const { context } = run;
  const [{ findBaseInterpreter }, { createVenv }, { shQuote }, cache] = await Promise.all([
    import("../../interpreter/index.ts"),
    import("../../venv/index.ts"),
    import("../../support/index.ts"),
    openCacheWith(run.cache),
  ]);
  const printer = context.printer();
  const interpreter = await findBaseInterpreter({
    python: options.python,
    env: context.env,
    cwd: context.cwd,
    cache,
    probeTimeoutMs: probeTimeoutMs(context.env),
  });
  printer.info(`Using Python ${interpreter.version} interpreter at: ${interpreter.executable}`);
  printer.info(
    `Creating virtual environment ${run.seed !== undefined ? "with seed packages " : ""}at: ${path}`,
  );
  const prompt = options.prompt === "." ? basename(context.cwd) : options.prompt;
  const created = await createVenv({
    location: resolve(context.cwd, path),
    interpreter,
    prompt,
    systemSitePackages: options.systemSitePackages === true,
    clear: options.clear === true,
    puffinVersion: PUFFIN_VERSION,
  });
  if (run.seed !== undefined) await run.seed(created);
  const quote = (text: string) => (/^[\w@%+=:,./-]+$/.test(text) ? text : shQuote(text));
  const scripts = join(path, "bin");
  printer.info(`Activate with: ${activationCommand(scripts, context.env["SHELL"], quote)}`);
}
/** How to activate the environment in the user's shell (`SHELL`), as uv suggests it. */
function activationCommand(
  scripts: string,
  shell: string | undefined,
  quote: (text: string) => string,
): string {
  switch (basename(shell ?? "")) {
    case "fish":
      return `source ${quote(join(scripts, "activate.fish"))}`;
    case "csh":
    case "tcsh":
      return `source ${quote(join(scripts, "activate.csh"))}`;
    case "nu":
      return `overlay use ${quote(join(scripts, "activate.nu"))}`;
    case "pwsh":
    case "powershell":
      return `. ${quote(join(scripts, "activate.ps1"))}`;
    default:
      return `source ${quote(join(scripts, "activate"))}`;
  }
}
