import type { Command } from "commander";
import { addBuildOptions } from "../build-options.ts";
import type { CommandContext } from "../command-context.ts";
import { pythonOption } from "../environment.ts";
import { addIndexOptions } from "../index-options.ts";
import { addInstallOptions } from "../install-options.ts";
import { repeatable } from "../repeatable.ts";
import { printResolutionWarnings } from "../resolution-warnings.ts";
import type { BuildOptionValues, IndexOptionValues, InstallOptionValues } from "../settings.ts";
import { PUFFIN_VERSION } from "../version.ts";

/**
 * `puffin pip sync REQUIREMENTS...`: make the environment exactly the files' pins, without
 * resolving: every requirement pinned with `==` (or a URL or path), everything else installed
 * is removed (the work is `pipSync`'s, in `src/operations`). A `pylock.toml` (PEP 751), given
 * alone, is installed as the lock selects for the interpreter, with `--extra`, `--all-extras`
 * and `--group` choosing its extras and dependency groups.
 */

interface SyncOptions extends IndexOptionValues, BuildOptionValues, InstallOptionValues {
  python?: string;
  extra?: string[];
  allExtras?: boolean;
  group?: string[];
}

export function registerPipSyncCommand(pip: Command, context: CommandContext): void {
  const command = pip
    .command("sync")
    .description("Sync an environment with a `requirements.txt` or `pylock.toml` file")
    .argument(
      "<SRC_FILE...>",
      "Include all packages listed in the given `requirements.txt` files, or in one `pylock.toml` (PEP 751)",
    )
    .option(
      "--extra <EXTRA>",
      "Include the packages of the given extra of the `pylock.toml` (repeatable)",
      repeatable,
    )
    .option("--all-extras", "Include the packages of every extra of the `pylock.toml`")
    .option(
      "--group <GROUP>",
      "Include the packages of the given dependency group of the `pylock.toml` instead of its default groups (repeatable)",
      repeatable,
    )
    .addOption(pythonOption("sync"));
  addIndexOptions(addBuildOptions(addInstallOptions(command))).action(
    async (files: string[], options: SyncOptions, cmd: Command) => {
      await pipSync(files, options, cmd, context);
    },
  );
}

async function pipSync(
  paths: readonly string[],
  options: SyncOptions,
  command: Command,
  context: CommandContext,
): Promise<void> {
  const started = performance.now();
  const printer = context.printer();
  const [settings, { pipSync: run }, report, { progressReporter }, { elapsed, packages }] =
    await Promise.all([
      import("../settings.ts"),
      import("../../operations/index.ts"),
      import("../install-report.ts"),
      import("../progress.ts"),
      import("../install-summary.ts"),
    ]);
  const reporter = progressReporter(printer, { steps: true });
  let result: Awaited<ReturnType<typeof run>>;
  try {
    result = await run({
      session: settings.sessionSettings(command, context),
      python: settings.pythonSettings(options, context.env),
      files: paths,
      build: settings.buildSettings(options, context.env),
      installer: settings.installerSettings(options, context.env),
      lockSelection: settings.lockSelectionSettings(options),
      puffinVersion: PUFFIN_VERSION,
      reporter,
    });
  } finally {
    reporter.finish();
  }
  if (result.kind === "satisfied") {
    printer.info(`Resolved ${packages(result.count)} in ${elapsed(started)}`);
    printer.info(`Audited ${packages(result.count)} in ${elapsed(started)}`);
  } else {
    report.printInstallOutcome(printer, result.outcome, { started, steps: true });
  }
  printResolutionWarnings(printer, result.warnings);
  report.printDiagnostics(printer, result.diagnostics);
}
