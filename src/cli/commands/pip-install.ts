import type { Command } from "commander";
import { addBuildOptions } from "../build-options.ts";
import type { CommandContext } from "../command-context.ts";
import { pythonOption } from "../environment.ts";
import { addIndexOptions } from "../index-options.ts";
import { addInstallOptions } from "../install-options.ts";
import { reportNoSolution } from "../no-solution.ts";
import { repeatable } from "../repeatable.ts";
import { addRequirementSourceOptions } from "../requirement-source-options.ts";
import { printResolutionWarnings } from "../resolution-warnings.ts";
import { addResolverOptions, pythonPlatformOption } from "../resolver-options.ts";
import type {
  BuildOptionValues,
  IndexOptionValues,
  InstallOptionValues,
  ResolverOptionValues,
  SourceOptionValues,
  UpgradeOptionValues,
} from "../settings.ts";
import { PUFFIN_VERSION } from "../version.ts";

/**
 * `puffin pip install PKG... | -r FILE`: resolve the requirements for the environment, with the
 * installed versions preferred (a satisfied requirement is not upgraded without `-U` / `-P`),
 * then install what the resolution adds or changes, as `pip sync` does, but without removing
 * anything the resolution does not name. Requirements come from the command line and from
 * requirements files or `pyproject.toml` (`-r`, read as `pip compile` reads its sources).
 */
interface InstallOptions
  extends IndexOptionValues,
    ResolverOptionValues,
    BuildOptionValues,
    InstallOptionValues,
    SourceOptionValues,
    UpgradeOptionValues {
  python?: string;
  pythonPlatform?: string;
  group?: string[];
}

export function registerPipInstallCommand(pip: Command, context: CommandContext): void {
  const inputs = pip
    .command("install")
    .description("Install packages into an environment")
    .argument("[PACKAGE...]", "Install all listed packages")
    .option(
      "-r, --requirement <REQUIREMENT>",
      "Install all packages listed in the given `requirements.txt` or `pyproject.toml` files (repeatable), or in a `pylock.toml` (PEP 751, installed as locked)",
      repeatable,
    )
    .option(
      "-e, --editable <EDITABLE>",
      "Install the editable package based on the provided local file path (repeatable)",
      repeatable,
    );
  const command = addRequirementSourceOptions(inputs, {
    extra: "a `pyproject.toml` or `pylock.toml` given with -r",
    allExtras: "the `pyproject.toml` files (or of the `pylock.toml`)",
  })
    .option(
      "--group <GROUP>",
      "Install the given dependency group of a `pylock.toml` given with -r, instead of its default groups (repeatable)",
      repeatable,
    )
    .option(
      "-U, --upgrade",
      "Allow package upgrades: installed versions are not preferred over newer ones",
    )
    .option(
      "-P, --upgrade-package <PACKAGE>",
      "Allow upgrades for a specific package (repeatable)",
      repeatable,
    )
    .option("--no-deps", "Ignore package dependencies, installing only the named packages")
    .addOption(pythonOption("install into"))
    .addOption(pythonPlatformOption("install for (mainly with `--dry-run`)"));
  addIndexOptions(addBuildOptions(addResolverOptions(addInstallOptions(command)))).action(
    async (packages: string[], options: InstallOptions, self: Command) => {
      await pipInstall(packages, options, self, context);
    },
  );
}

async function pipInstall(
  args: readonly string[],
  options: InstallOptions,
  command: Command,
  context: CommandContext,
): Promise<void> {
  const started = performance.now();
  const printer = context.printer();
  const [settings, { pipInstall: run }, report, { progressReporter }] = await Promise.all([
    import("../settings.ts"),
    import("../../operations/index.ts"),
    import("../install-report.ts"),
    import("../progress.ts"),
  ]);
  const reporter = progressReporter(printer, { steps: true });
  let result: Awaited<ReturnType<typeof run>>;
  try {
    result = await run({
      session: settings.sessionSettings(command, context),
      python: settings.pythonSettings(options, context.env),
      pythonPlatform: options.pythonPlatform,
      sources: {
        ...settings.sourceSettings(options, { packages: args }),
        groups: settings.groupSettings(options.group),
      },
      resolver: settings.resolverSettings(options),
      build: settings.buildSettings(options, context.env),
      installer: settings.installerSettings(options, context.env),
      upgrade: settings.upgradeSettings(options),
      puffinVersion: PUFFIN_VERSION,
      reporter,
    }).catch((error: unknown) => reportNoSolution(error, printer));
  } finally {
    reporter.finish();
  }
  report.printInstallOutcome(printer, result.outcome, { started, steps: true });
  printResolutionWarnings(printer, result.warnings);
  report.printDiagnostics(printer, result.diagnostics);
}
