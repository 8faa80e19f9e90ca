import type { Command } from "commander";
import type { ConfigSettings } from "../../build-context/index.ts";
import type { PackageName } from "../../normalize/index.ts";
import type { Requirement, VerbatimUrl } from "../../pep508/index.ts";
import type { RequirementsTxtRequirement, SourceLocation } from "../../requirements-txt/index.ts";
import type { PrereleaseMode } from "../../resolver/index.ts";
import { PuffinError } from "../../support/index.ts";
import { addBuildOptions, type BuildOptionValues, openSourceBuilds } from "../build-options.ts";
import { type CommandContext, openRegistrySession } from "../command-context.ts";
import { type EnvironmentOptions, openEnvironment, pythonOption } from "../environment.ts";
import { reportStrict, requireHashesFlag } from "../environment-update.ts";
import { ExitStatus, ExitWith } from "../exit-status.ts";
import {
  addIndexOptions,
  type IndexOptionValues,
  mergeFileIndexOptions,
} from "../index-options.ts";
import { addInstallOptions } from "../install-options.ts";
import { repeatable } from "../repeatable.ts";
import {
  addRequirementSourceOptions,
  type RequirementSourceOptionValues,
} from "../requirement-source-options.ts";
import {
  addResolverOptions,
  binarySelections,
  parseExcludeNewer,
  type ResolverOptionValues,
} from "../resolver-options.ts";

/**
 * `puffin pip install PKG... | -r FILE`: resolve the requirements for the environment, with the
 * installed versions preferred (a satisfied requirement is not upgraded without `-U` / `-P`),
 * then install what the resolution adds or changes, as `pip sync` does, but without removing
 * anything the resolution does not name. Requirements come from the command line and from
 * requirements files or `pyproject.toml` (`-r`, read as `pip compile` reads its sources).
 */
interface InstallOptions
  extends EnvironmentOptions,
    IndexOptionValues,
    ResolverOptionValues,
    BuildOptionValues,
    RequirementSourceOptionValues {
  requirement?: string[];
  editable?: string[];
  upgrade?: boolean;
  upgradePackage?: string[];
  deps: boolean;
  reinstall?: boolean;
  reinstallPackage?: string[];
  linkMode?: string;
  requireHashes?: boolean;
  compileBytecode?: boolean;
  strict?: boolean;
  dryRun?: boolean;
}

export function registerPipInstallCommand(pip: Command, context: CommandContext): void {
  const inputs = pip
    .command("install")
    .description("Install packages into an environment")
    .argument("[PACKAGE...]", "Install all listed packages")
    .option(
      "-r, --requirement <REQUIREMENT>",
      "Install all packages listed in the given `requirements.txt` or `pyproject.toml` files (repeatable)",
      repeatable,
    )
    .option(
      "-e, --editable <EDITABLE>",
      "Install the editable package based on the provided local file path (repeatable)",
      repeatable,
    );
  const command = addRequirementSourceOptions(inputs, {
    extra: "a `pyproject.toml` given with -r",
    allExtras: "the `pyproject.toml` files",
  })
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
    .addOption(pythonOption("install into"));
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
  if (args.length === 0 && (options.requirement ?? []).length === 0 && !options.editable?.length) {
    throw new PuffinError(
      "no-requirements",
      "Nothing to install: name packages, or give requirements files with -r",
    );
  }
  const [{ readCompileSources, nameUnnamedSources }, { ExtraName, PackageName }, installer] =
    await Promise.all([
      import("../pip-compile/compile-sources.ts"),
      import("../../normalize/index.ts"),
      import("../../installer/index.ts"),
    ]);
  const linkMode =
    options.linkMode === undefined ? undefined : installer.parseLinkMode(options.linkMode);
  const sources = await readCompileSources({
    sources: options.requirement ?? [],
    constraints: options.constraint ?? [],
    overrides: options.override ?? [],
    extras: (options.extra ?? []).map((extra) => ExtraName.parse(extra)),
    allExtras: options.allExtras === true,
    cwd: context.cwd,
    env: context.env,
    stdin: () => {
      throw new PuffinError(
        "stdin-unsupported",
        "`pip install` does not read requirements from stdin",
      );
    },
  });
  const requireHashes =
    requireHashesFlag(options.requireHashes, context.env) ||
    sources.requireHashes ||
    [...sources.requirements, ...sources.unnamed].some((s) => s.hashes.length > 0);
  const editableArgs = await parseCommandLine(options.editable ?? [], context.cwd, true);
  const packageArgs = await parseCommandLine(args, context.cwd, false);

  const { interpreter, site } = await openEnvironment(command, options, context);
  mergeFileIndexOptions(command, sources, context.env);
  const installed = site.dists();
  const { installedPreferences, installRequirements } = await import("../requirements-install.ts");
  const session = await openRegistrySession(command, context);
  const noBinary = [
    ...sources.noBinary,
    ...(await binarySelections(options.binary === true ? [] : options.binary)),
  ];
  const onlyBinary = [...sources.onlyBinary, ...(await binarySelections(options.onlyBinary))];
  let builds = await openSourceBuilds(session, interpreter, options, context.env, {
    noBinary,
    onlyBinary,
  });
  try {
    // Requirements whose name only their build backend knows (a `setup.py` project) are named
    // now that the command can build.
    const { lineConfigSettings, requirementName } = await import("../../dispatch/index.ts");
    const namer = (url: VerbatimUrl, editable: boolean) => requirementName(builds, url, editable);
    await nameUnnamedSources(sources, namer, context.cwd);
    const editables = await nameCommandLine(editableArgs, context.cwd, namer);
    const requirements = [
      ...(await nameCommandLine(packageArgs, context.cwd, namer)),
      ...editables,
      ...sources.requirements.map((s) => s.requirement),
    ];
    const hashes = new Map<PackageName, string[]>();
    const perPackage = new Map<PackageName, ConfigSettings>();
    for (const s of sources.requirements) {
      const { name } = s.requirement;
      if (s.hashes.length > 0) hashes.set(name, [...(hashes.get(name) ?? []), ...s.hashes]);
      const own = lineConfigSettings(s.configSettings);
      if (own !== undefined) perPackage.set(name, { ...perPackage.get(name), ...own });
    }
    if (perPackage.size > 0) builds = builds.withPackageConfigSettings(perPackage);
    const outcome = await installRequirements({
      printer,
      interpreter,
      installed,
      session,
      requirements,
      constraints: sources.constraints.map((s) => s.requirement),
      overrides: sources.overrides.map((s) => s.requirement),
      preferences: installedPreferences(installed, {
        all: options.upgrade === true,
        packages: (options.upgradePackage ?? []).map((name) => PackageName.parse(name)),
      }),
      noDeps: !options.deps,
      resolution: options.resolution,
      prerelease: options.prerelease ?? (sources.pre ? "allow" : defaultPrerelease),
      excludeNewer:
        options.excludeNewer === undefined ? undefined : parseExcludeNewer(options.excludeNewer),
      noBinary,
      onlyBinary,
      builds,
      editables: new Set([
        ...editables.map((r) => r.name),
        ...sources.requirements.filter((s) => s.editable).map((s) => s.requirement.name),
      ]),
      hashes,
      requireHashes,
      reinstall: options.reinstall === true,
      reinstallPackages: (options.reinstallPackage ?? []).map((name) => PackageName.parse(name)),
      linkMode,
      dryRun: options.dryRun === true,
      compileBytecode: options.compileBytecode === true,
      started,
      steps: true,
    }).catch(async (error: unknown) => {
      const { NoSolutionError } = await import("../../resolver/index.ts");
      if (!(error instanceof NoSolutionError)) throw error;
      const { renderNoSolution } = await import("../pip-compile/no-solution-report.ts");
      printer.raw(renderNoSolution(error.report, error.hints));
      throw new ExitWith(ExitStatus.Failure);
    });
    if (outcome !== "dry-run" && options.strict) await reportStrict(printer, interpreter);
  } finally {
    await builds.close();
    await session.close();
  }
}

const defaultPrerelease: PrereleaseMode = "if-necessary-or-explicit";

/** A `PACKAGE` (or `-e`) argument, parsed, with where it was given. */
interface CommandLineRequirement {
  readonly parsed: RequirementsTxtRequirement;
  readonly location: SourceLocation;
  readonly editable: boolean;
}

/**
 * The `PACKAGE` (or `-e PATH`) arguments, each read like a requirements-file line:
 * `name[extras] specifiers`, `name @ url`, or a bare URL or path (named by `nameCommandLine`).
 */
async function parseCommandLine(
  args: readonly string[],
  cwd: string,
  editable: boolean,
): Promise<CommandLineRequirement[]> {
  const { parseRequirementText } = await import("../../requirements-txt/index.ts");
  return args.map((arg, index) => {
    const location = { file: "<command line>", line: index + 1 };
    const parsed = parseRequirementText(arg, { workingDir: cwd, location, column: 1, editable });
    return { parsed, location, editable };
  });
}

/**
 * The arguments as named requirements: a bare URL or path is named by its wheel or sdist
 * filename, its static project metadata, or else its build backend (`namer`).
 */
async function nameCommandLine(
  args: readonly CommandLineRequirement[],
  cwd: string,
  namer: (url: VerbatimUrl, editable: boolean) => Promise<PackageName>,
): Promise<Requirement[]> {
  const { nameRequirement } = await import("../pip-compile/compile-sources.ts");
  return Promise.all(
    args.map(({ parsed, location, editable }) =>
      parsed.kind === "named"
        ? parsed.requirement
        : nameRequirement(parsed.requirement, location, cwd, (url) => namer(url, editable)),
    ),
  );
}
