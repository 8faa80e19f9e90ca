import type { Command } from "commander";
import type { InstalledDist } from "../../distribution-types/index.ts";
import type { PackageName } from "../../normalize/index.ts";
import { PuffinError, redactCredentials } from "../../support/index.ts";
import type { CommandContext } from "../command-context.ts";
import { type EnvironmentOptions, openEnvironment, pythonOption } from "../environment.ts";
import { elapsed, packages, printChanges } from "../install-summary.ts";
import { repeatable } from "../repeatable.ts";

interface UninstallOptions extends EnvironmentOptions {
  requirement?: string[];
  dryRun?: boolean;
}

/**
 * `puffin pip uninstall PKG... | -r FILE`: removes installed distributions (every installed copy
 * of each name) under the environment's lock, with uv's output; a name that is not installed is
 * a warning. Requirements are matched by name only (versions, extras and markers aside).
 */
export function registerPipUninstallCommand(pip: Command, context: CommandContext): void {
  pip
    .command("uninstall")
    .description("Uninstall packages from an environment")
    .argument("[PACKAGE...]", "Uninstall all listed packages")
    .option(
      "-r, --requirement <REQUIREMENT>",
      "Uninstall all packages listed in the given requirements files",
      repeatable,
    )
    .addOption(pythonOption("uninstall from"))
    .option("--dry-run", "Perform a dry run: print what would be removed, change nothing")
    .action(async (names: string[], options: UninstallOptions, command: Command) => {
      const started = performance.now();
      const wanted = await requestedNames(names, options.requirement ?? [], context);
      if (wanted.length === 0) {
        throw new PuffinError("no-requirements", "No packages to uninstall were given", {
          hint: "Name packages, or pass a requirements file with `-r`",
        });
      }
      const { interpreter, site } = await openEnvironment(command, options, context);
      const printer = context.printer();
      const dists: InstalledDist[] = [];
      for (const name of wanted) {
        const found = site.get(name);
        if (found.length === 0) printer.log("warn", `Skipping ${name} as it is not installed`);
        dists.push(...found);
      }
      if (dists.length === 0) {
        printer.log("warn", "No packages to uninstall");
        return;
      }
      const changes = dists.map((dist) => ({
        kind: "-" as const,
        name: dist.name,
        version: dist.version,
      }));
      if (options.dryRun) {
        printer.info(`Would uninstall ${packages(dists.length)}`);
        printChanges(printer, changes);
        return;
      }
      const { layoutFor, uninstall } = await import("../../installer/index.ts");
      await uninstall(dists, { layout: layoutFor(interpreter) });
      printer.info(`Uninstalled ${packages(dists.length)} in ${elapsed(started)}`);
      printChanges(printer, changes);
    });
}

/** The names given, then those of the requirements files, deduplicated in order. */
async function requestedNames(
  names: readonly string[],
  files: readonly string[],
  context: CommandContext,
): Promise<PackageName[]> {
  const [{ PackageName }, { parseRequirementsFile }, { WheelFilename }] = await Promise.all([
    import("../../normalize/index.ts"),
    import("../../requirements-txt/index.ts"),
    import("../../filenames/index.ts"),
  ]);
  const result = new Set<PackageName>(names.map((name) => PackageName.parse(name)));
  for (const path of files) {
    const file = await parseRequirementsFile(path, { workingDir: context.cwd, env: context.env });
    for (const entry of [...file.requirements, ...file.editables]) {
      const { requirement } = entry;
      if (requirement.kind === "named") {
        result.add(requirement.requirement.name);
        continue;
      }
      // An unnamed requirement names its project only through a wheel's filename.
      const last = requirement.requirement.url.filename();
      if (!last.endsWith(".whl")) {
        throw new PuffinError(
          "unsupported-requirement",
          `${entry.source.file}:${entry.source.line}: cannot tell which package \`${redactCredentials(requirement.requirement.url.given)}\` is; write it as \`name @ url\``,
        );
      }
      result.add(WheelFilename.parse(last).name);
    }
  }
  return [...result];
}
