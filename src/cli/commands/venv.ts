import { basename, join, resolve } from "node:path";
import type { Command } from "commander";
import type { CreatedVenv } from "../../venv/index.ts";
import { openCache } from "../cache-options.ts";
import type { CommandContext } from "../command-context.ts";
import type { IndexOptionValues } from "../index-options.ts";
import type { Printer } from "../printer.ts";
import { PUFFIN_VERSION } from "../version.ts";

interface VenvOptions extends IndexOptionValues {
  python?: string;
  seed?: boolean;
  prompt?: string;
  systemSitePackages?: boolean;
  clear?: boolean;
}

/**
 * `puffin venv [PATH]`: creates a virtual environment (default `.venv`). The interpreter and
 * venv modules are loaded only when the command runs, so `puffin --version` never pays for them.
 *
 * With `addIndexOptions` the command also takes `--seed` and the index options (the full
 * program). Without it, it is the lean form `runCli` uses for a plain `puffin venv …`: this file
 * imports the index options, the registry client and the rest of the CLI only as types, so
 * that form loads commander, the cache and the interpreter and venv modules, nothing more.
 */
export function registerVenvCommand(
  program: Command,
  context: CommandContext,
  addIndexOptions?: (command: Command) => Command,
): Command {
  const command = program
    .command("venv")
    .description("Create a virtual environment")
    .argument("[PATH]", "The path of the virtual environment to create", ".venv")
    .option(
      "-p, --python <PYTHON>",
      "The interpreter to use: a path, an executable name (python3.12) or a version (3.12, >=3.10)",
    )
    .option(
      "--prompt <PROMPT>",
      "The prompt shown while the environment is active ('.' for the current directory's name)",
    )
    .option(
      "--system-site-packages",
      "Give the environment access to the base interpreter's site-packages",
    )
    .option("--clear", "Replace an existing virtual environment at PATH");
  if (addIndexOptions !== undefined) {
    addIndexOptions(
      command.option(
        "--seed",
        "Install seed packages (pip; setuptools and wheel before Python 3.12) into the environment",
      ),
    );
  }
  return command.action(async (path: string, options: VenvOptions, command: Command) => {
    const [{ findBaseInterpreter }, { createVenv, shQuote }, cache] = await Promise.all([
      import("../../interpreter/index.ts"),
      import("../../venv/index.ts"),
      openCache(command, context),
    ]);
    const printer = context.printer();
    const interpreter = await findBaseInterpreter({
      python: options.python,
      env: context.env,
      cwd: context.cwd,
      cache,
    });
    printer.info(`Using Python ${interpreter.version} interpreter at: ${interpreter.executable}`);
    printer.info(
      `Creating virtual environment ${options.seed ? "with seed packages " : ""}at: ${path}`,
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
    if (options.seed) await seed(created, printer, command, context);
    const quote = (text: string) => (/^[\w@%+=:,./-]+$/.test(text) ? text : shQuote(text));
    const scripts = join(path, "bin");
    printer.info(`Activate with: ${activationCommand(scripts, context.env["SHELL"], quote)}`);
  });
}

/**
 * `--seed`: pip (and setuptools + wheel before Python 3.12, as virtualenv and uv seed them)
 * resolved for the new environment's interpreter from the configured indexes and installed
 * through Puffin's own installer, from the cache when it holds them. Prints only the ` + ` lines.
 */
async function seed(
  created: CreatedVenv,
  printer: Printer,
  command: Command,
  context: CommandContext,
): Promise<void> {
  const started = performance.now();
  const [{ queryInterpreter }, { Requirement }, { installRequirements }, { openRegistrySession }] =
    await Promise.all([
      import("../../interpreter/index.ts"),
      import("../../pep508/index.ts"),
      import("../requirements-install.ts"),
      import("../command-context.ts"),
    ]);
  const session = await openRegistrySession(command, context);
  try {
    const interpreter = await queryInterpreter(created.python, { cache: session.cache });
    const [major, minor] = interpreter.pythonMinor;
    const names = major === 3 && minor < 12 ? ["pip", "setuptools", "wheel"] : ["pip"];
    await installRequirements({
      printer,
      interpreter,
      installed: [],
      session,
      requirements: names.map((name) => Requirement.parse(name)),
      constraints: [],
      overrides: [],
      preferences: new Map(),
      noDeps: false,
      resolution: "highest",
      prerelease: "if-necessary-or-explicit",
      excludeNewer: undefined,
      noBinary: [],
      onlyBinary: [],
      hashes: new Map(),
      requireHashes: false,
      reinstall: false,
      reinstallPackages: [],
      linkMode: undefined,
      dryRun: false,
      compileBytecode: false,
      started,
      steps: false,
    });
  } finally {
    await session.close();
  }
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
