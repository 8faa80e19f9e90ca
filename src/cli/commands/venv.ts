import type { Command } from "commander";
import type { CreatedVenv } from "../../venv/index.ts";
import { cacheSettings } from "../cache-options.ts";
import type { CommandContext } from "../command-context.ts";
import { registerOptions, VENV_OPTIONS, VENV_PATH } from "../option-specs.ts";
import { probeTimeoutMs } from "../probe-timeout.ts";
import { PUFFIN_VERSION } from "../version.ts";
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
 * `--seed`: the seed packages (see `seedEnvironment`) installed into the new environment through
 * Puffin's own pipeline. Prints only the ` + ` lines, as uv does.
 */
async function seed(
  created: CreatedVenv,
  command: Command,
  context: CommandContext,
): Promise<void> {
  const printer = context.printer();
  const started = performance.now();
  const [settings, { seedEnvironment }, { queryInterpreter }, report, { Cache }] =
    await Promise.all([
      import("../settings.ts"),
      import("../../operations/index.ts"),
      import("../../interpreter/index.ts"),
      import("../install-report.ts"),
      import("../../cache/index.ts"),
    ]);
  const session = settings.sessionSettings(command, context);
  const interpreter = await queryInterpreter(created.python, {
    cache: await Cache.fromSettings(session.cache),
    probeTimeoutMs: probeTimeoutMs(context.env),
  });
  const outcome = await seedEnvironment({
    session,
    interpreter,
    build: settings.buildSettings({}, context.env),
    puffinVersion: PUFFIN_VERSION,
  });
  report.printInstallOutcome(printer, outcome, { started, steps: false });
}
