import type { Command } from "commander";
import type { CreatedVenv } from "../../venv/index.ts";
import { cacheSettings } from "../cache-options.ts";
import type { CommandContext } from "../command-context.ts";
import { registerOptions, VENV_OPTIONS, VENV_PATH } from "../option-specs.ts";
import { probeTimeoutMs } from "../probe-timeout.ts";
import { runVenv, type VenvOptions } from "./venv-run.ts";

/**
 * `puffin venv [PATH]` in commander's program: the options of `VENV_OPTIONS`, `--seed` and the
 * index options (`addIndexOptions`); the work is `runVenv`'s. A plain `puffin venv …` never
 * gets here: the fast path of `run-cli.ts` runs it without commander.
 */
export function registerVenvCommand(
  program: Command,
  context: CommandContext,
  addIndexOptions: (command: Command) => Command,
): Command {
  const command = program
    .command("venv")
    .description("Create a virtual environment")
    .argument(`[${VENV_PATH.name}]`, VENV_PATH.description, VENV_PATH.default);
  registerOptions(command, VENV_OPTIONS);
  addIndexOptions(
    command.option(
      "--seed",
      "Install seed packages (pip; setuptools and wheel before Python 3.12) into the environment",
    ),
  );
  return command.action(async (path: string, options: VenvOptions, command: Command) => {
    await runVenv(path, options, {
      context,
      cache: cacheSettings(command, context),
      seed: options.seed ? (created) => seed(created, command, context) : undefined,
    });
  });
}

/**
 * `--seed`: pip (and setuptools + wheel before Python 3.12, as virtualenv and uv seed them)
 * resolved for the new environment's interpreter from the configured indexes and installed
 * through Puffin's own installer, from the cache when it holds them. Prints only the ` + ` lines.
 */
async function seed(
  created: CreatedVenv,
  command: Command,
  context: CommandContext,
): Promise<void> {
  const printer = context.printer();
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
    const interpreter = await queryInterpreter(created.python, {
      cache: session.cache,
      probeTimeoutMs: probeTimeoutMs(context.env),
    });
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
