import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { type Command, Option } from "commander";
import type { InstalledDist } from "../../distribution-types/index.ts";
import { PackageName } from "../../normalize/index.ts";
import { PuffinError } from "../../support/index.ts";
import type { CommandContext } from "../command-context.ts";
import {
  type EnvironmentOptions,
  pythonOption as environmentPythonOption,
  openEnvironment,
} from "../environment.ts";

/**
 * `puffin pip freeze | list | show | check`: read-only views of an environment's installed
 * distributions, found as every command finds its environment (`--python`, `VIRTUAL_ENV`,
 * `CONDA_PREFIX`, `.venv`). Output formats follow uv's: data on stdout, summaries on stderr.
 */

const pythonOption = () => environmentPythonOption("inspect");

/** The project directory of an editable install, from its `file://` URL. */
function editableLocation(dist: InstalledDist): string | undefined {
  if (!dist.editable || dist.directUrl === undefined) return undefined;
  try {
    return fileURLToPath(dist.directUrl.url);
  } catch {
    return dist.directUrl.url;
  }
}

/** A `pip freeze` line: `name==version`, `name @ url`, or `-e url` for an editable. */
export function freezeLine(dist: InstalledDist): string {
  const direct = dist.directUrl;
  if (direct === undefined) return `${dist.name}==${dist.version.toString()}`;
  if (dist.editable) return `-e ${direct.url}`;
  if (direct.kind === "vcs") return `${dist.name} @ ${direct.vcs}+${direct.url}@${direct.commitId}`;
  return `${dist.name} @ ${direct.url}`;
}

export function registerPipInspectCommands(pip: Command, context: CommandContext): void {
  pip
    .command("freeze")
    .description("List the installed packages in requirements format")
    .addOption(pythonOption())
    .option("--exclude-editable", "Leave out editable packages")
    .action(
      async (options: EnvironmentOptions & { excludeEditable?: boolean }, command: Command) => {
        const { site } = await openEnvironment(command, options, context);
        const printer = context.printer();
        for (const dist of site.dists()) {
          if (options.excludeEditable && dist.editable) continue;
          printer.data(freezeLine(dist));
        }
      },
    );

  pip
    .command("list")
    .description("List the installed packages")
    .addOption(pythonOption())
    .option("-e, --editable", "Only list editable packages")
    .option("--exclude-editable", "Leave out editable packages")
    .addOption(
      new Option("--format <FORMAT>", "The output format")
        .choices(["columns", "freeze", "json"])
        .default("columns"),
    )
    .action(
      async (
        options: EnvironmentOptions & {
          editable?: boolean;
          excludeEditable?: boolean;
          format: "columns" | "freeze" | "json";
        },
        command: Command,
      ) => {
        const { site } = await openEnvironment(command, options, context);
        const printer = context.printer();
        const dists = site
          .dists()
          .filter((dist) => (options.editable ? dist.editable : true))
          .filter((dist) => !(options.excludeEditable && dist.editable));
        switch (options.format) {
          case "freeze":
            for (const dist of dists) printer.data(`${dist.name}==${dist.version.toString()}`);
            return;
          case "json":
            printer.data(
              JSON.stringify(
                dists.map((dist) => {
                  const location = editableLocation(dist);
                  return {
                    name: dist.name,
                    version: dist.version.toString(),
                    ...(location === undefined ? {} : { editable_project_location: location }),
                  };
                }),
              ),
            );
            return;
          case "columns": {
            if (dists.length === 0) return;
            const rows = dists.map((dist) => [
              dist.name,
              dist.version.toString(),
              editableLocation(dist) ?? "",
            ]);
            const header = ["Package", "Version", "Editable project location"];
            const columns = rows.some((row) => row[2] !== "") ? 3 : 2;
            const widths = header
              .slice(0, columns)
              .map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
            const line = (cells: string[]) =>
              cells
                .slice(0, columns)
                .map((cell, i) => cell.padEnd(widths[i]!))
                .join(" ")
                .trimEnd();
            printer.data(line(header));
            printer.data(line(widths.map((width) => "-".repeat(width))));
            for (const row of rows) printer.data(line(row));
            return;
          }
        }
      },
    );

  pip
    .command("show")
    .description("Show information about one or more installed packages")
    .argument("<PACKAGE...>", "The packages to show")
    .addOption(pythonOption())
    .option("-f, --files", "List each package's installed files")
    .action(
      async (
        packages: string[],
        options: EnvironmentOptions & { files?: boolean },
        command: Command,
      ) => {
        const names = packages.map((name) => PackageName.parse(name));
        const { interpreter, site } = await openEnvironment(command, options, context);
        const { installedFiles, installedRequirements } = await import("../../installer/index.ts");
        const printer = context.printer();
        const requirements = await installedRequirements(site, interpreter.markers);
        const missing = names.filter((name) => site.get(name).length === 0);
        if (missing.length > 0)
          printer.log("warn", `Package(s) not found for: ${missing.join(", ")}`);
        if (missing.length === names.length) {
          throw new PuffinError("package-not-found", "No matching packages are installed");
        }
        let first = true;
        for (const name of names) {
          for (const dist of site.get(name)) {
            if (!first) printer.data("---");
            first = false;
            const requires = [...new Set((requirements.get(dist) ?? []).map((r) => r.name))].sort();
            const requiredBy = [...requirements]
              .filter(([other, reqs]) => other !== dist && reqs.some((r) => r.name === dist.name))
              .map(([other]) => other.name)
              .sort();
            printer.data(`Name: ${dist.name}`);
            printer.data(`Version: ${dist.version.toString()}`);
            printer.data(`Location: ${dirname(dist.path)}`);
            const location = editableLocation(dist);
            if (location !== undefined) printer.data(`Editable project location: ${location}`);
            printer.data(`Requires: ${requires.join(", ")}`);
            printer.data(`Required-by: ${[...new Set(requiredBy)].join(", ")}`);
            if (options.files) {
              printer.data("Files:");
              for (const file of await installedFiles(dist)) printer.data(`  ${file.path}`);
            }
          }
        }
      },
    );

  pip
    .command("check")
    .description("Verify that the installed packages have compatible dependencies")
    .addOption(pythonOption())
    .action(async (options: EnvironmentOptions, command: Command) => {
      const started = performance.now();
      const { interpreter, site } = await openEnvironment(command, options, context);
      const { checkEnvironment } = await import("../../installer/index.ts");
      const diagnostics = await checkEnvironment(site, interpreter.markers);
      const printer = context.printer();
      const count = site.dists().length;
      const elapsed = Math.round(performance.now() - started);
      printer.info(`Checked ${count} package${count === 1 ? "" : "s"} in ${elapsed}ms`);
      if (diagnostics.length === 0) {
        printer.info("All installed packages are compatible");
        return;
      }
      for (const diagnostic of diagnostics) {
        switch (diagnostic.kind) {
          case "missing":
            printer.info(
              `The package \`${diagnostic.dist.name}\` requires \`${diagnostic.requirement.toString()}\`, but it's not installed`,
            );
            break;
          case "incompatible":
            printer.info(
              `The package \`${diagnostic.dist.name}\` requires \`${diagnostic.requirement.toString()}\`, but \`${diagnostic.installed.toString()}\` is installed`,
            );
            break;
          case "duplicate":
            printer.info(
              `The package \`${diagnostic.name}\` has multiple installed distributions: ${diagnostic.dists.map((d) => d.path).join(", ")}`,
            );
            break;
        }
      }
      const n = diagnostics.length;
      throw new PuffinError(
        "incompatible-environment",
        `Found ${n} incompatibilit${n === 1 ? "y" : "ies"}`,
      );
    });
}
