import { type Command, Option } from "commander";
import type { AnnotationStyle } from "../../operations/index.ts";
import { addBuildOptions } from "../build-options.ts";
import type { CommandContext } from "../command-context.ts";
import { addIndexOptions } from "../index-options.ts";
import { reportNoSolution } from "../no-solution.ts";
import { repeatable } from "../repeatable.ts";
import { addRequirementSourceOptions } from "../requirement-source-options.ts";
import { printResolutionWarnings } from "../resolution-warnings.ts";
import { addResolverOptions, pythonPlatformOption } from "../resolver-options.ts";
import type {
  BuildOptionValues,
  IndexOptionValues,
  ResolverOptionValues,
  SourceOptionValues,
} from "../settings.ts";
import { PUFFIN_VERSION } from "../version.ts";

/**
 * `puffin pip compile SRC… [-o FILE]`: resolve requirements files, `pyproject.toml` files or
 * stdin into pinned requirements, written like uv's `pip compile` (see `requirements-output.ts`)
 * to stdout and, with `-o`, to that file (atomically). An existing output file's pins are the
 * preferred versions unless `--upgrade` (or `--upgrade-package` for some packages).
 *
 * The target environment is one interpreter's (markers and wheel tags), found as uv's
 * `pip compile` finds it: `--python`, else the active or nearby virtual environment, else the
 * first Python on `PATH`; `--python-version` patches its Python version, `--python-platform` its
 * platform (markers and wheel tags).
 */
export interface CompileInvocation {
  /** The command line after `puffin`, for the output header. */
  readonly args: readonly string[];
  /** Stdin's bytes as they come (for the `-` source, read with a bound on their size). */
  readonly stdin: () => AsyncIterable<Uint8Array | string>;
}

interface CompileOptions
  extends IndexOptionValues,
    BuildOptionValues,
    ResolverOptionValues,
    SourceOptionValues {
  outputFile?: string;
  format?: "requirements.txt" | "pylock.toml";
  upgrade?: boolean;
  upgradePackage?: string[];
  pythonVersion?: string;
  pythonPlatform?: string;
  universal?: boolean;
  environment?: string[];
  python?: string;
  generateHashes?: boolean;
  header: boolean;
  annotate: boolean;
  annotationStyle: AnnotationStyle;
  customCompileCommand?: string;
  emitIndexUrl?: boolean;
  emitFindLinks?: boolean;
  group?: string[];
  allGroups?: boolean;
  quiet?: boolean;
}

export function registerPipCompileCommand(
  pip: Command,
  context: CommandContext,
  invocation: CompileInvocation,
): void {
  const sourced = pip
    .command("compile")
    .description("Compile a `requirements.in` file to a `requirements.txt` file")
    .argument(
      "<SRC_FILE...>",
      "Requirements files (`.in`, `.txt`), `pyproject.toml`, or `-` for stdin",
    )
    .option(
      "-o, --output-file <OUTPUT_FILE>",
      "Write the compiled requirements to this file (its pins are preferred)",
    )
    .addOption(
      new Option(
        "--format <FORMAT>",
        "The output format (default: `pylock.toml` when `-o` names a lock file, else `requirements.txt`)",
      ).choices(["requirements.txt", "pylock.toml"]),
    )
    .option(
      "-U, --upgrade",
      "Allow package upgrades, ignoring pinned versions in any existing output file",
    )
    .option(
      "-P, --upgrade-package <PACKAGE>",
      "Allow upgrades for a specific package (repeatable)",
      repeatable,
    );
  const command = addRequirementSourceOptions(sourced, {
    extra: "`pyproject.toml`",
    allExtras: "`pyproject.toml`",
  })
    .option(
      "--group <GROUP>",
      "Include the dependency group (PEP 735) of the `pyproject.toml` inputs, or of the one named by `PATH:GROUP` (repeatable)",
      repeatable,
    )
    .option("--all-groups", "Include every dependency group of the `pyproject.toml` inputs")
    .option(
      "--python-version <PYTHON_VERSION>",
      "The Python version to resolve for (e.g. `3.11`), patching the interpreter's",
    )
    .addOption(pythonPlatformOption("resolve for").conflicts("universal"))
    .option(
      "--universal",
      "Resolve for every platform and Python version (from `--python-version` up), with markers",
    )
    .addOption(
      new Option(
        "--environment <MARKER>",
        "With `--universal`: cover only the environments where this marker holds (repeatable)",
      )
        .argParser(repeatable)
        .implies({ universal: true }),
    )
    .option(
      "-p, --python <PYTHON>",
      "The Python interpreter whose environment to resolve for (a path, name or version)",
    )
    .option("--generate-hashes", "Include distribution hashes in the output file")
    .option("--no-header", "Exclude the comment header at the top of the output file")
    .option("--no-annotate", "Exclude comment annotations indicating the source of each package")
    .addOption(
      new Option(
        "--annotation-style <ANNOTATION_STYLE>",
        "The style of the annotations in the output file",
      )
        .choices(["line", "split"])
        .default("split"),
    )
    .option(
      "--custom-compile-command <CUSTOM_COMPILE_COMMAND>",
      "The header comment's command, instead of the actual one",
    )
    .option(
      "--emit-index-url",
      "Include `--index-url` and `--extra-index-url` entries in the output",
    )
    .option("--emit-find-links", "Include `--find-links` entries in the output")
    .option("--no-deps", "Ignore package dependencies, resolving only the named packages");
  addIndexOptions(addBuildOptions(addResolverOptions(command))).action(
    async (sources: string[], options: CompileOptions, self: Command) => {
      await compile(
        sources,
        { ...options, quiet: self.optsWithGlobals<{ quiet?: boolean }>().quiet },
        self,
        context,
        invocation,
      );
    },
  );
}

async function compile(
  sourceArgs: string[],
  options: CompileOptions,
  command: Command,
  context: CommandContext,
  invocation: CompileInvocation,
): Promise<void> {
  const printer = context.printer();
  const [settings, { pipCompile }, { headerCommand }, { progressReporter }] = await Promise.all([
    import("../settings.ts"),
    import("../../operations/index.ts"),
    import("../pip-compile/header-command.ts"),
    import("../progress.ts"),
  ]);
  const reporter = progressReporter(printer, { steps: true });
  let result: Awaited<ReturnType<typeof pipCompile>>;
  try {
    result = await pipCompile({
      session: settings.sessionSettings(command, context),
      python: settings.pythonSettings(options, context.env),
      pythonVersion: options.pythonVersion,
      pythonPlatform: options.pythonPlatform,
      universal: options.universal === true,
      environments: options.environment,
      sources: {
        ...settings.sourceSettings(options, { requirements: sourceArgs }),
        dependencyGroups: settings.dependencyGroupRequests(options.group),
        allGroups: options.allGroups === true,
      },
      resolver: settings.resolverSettings(options),
      build: settings.buildSettings(options, context.env),
      upgrade: {
        all: options.upgrade === true,
        packages: settings.binarySelections(options.upgradePackage),
      },
      output: {
        outputFile: options.outputFile,
        format: options.format,
        headerCommand: options.header
          ? headerCommand(invocation.args, {
              emitIndexUrl: options.emitIndexUrl === true,
              emitFindLinks: options.emitFindLinks === true,
              customCommand: options.customCompileCommand,
            })
          : undefined,
        annotate: options.annotate,
        annotationStyle: options.annotationStyle,
        generateHashes: options.generateHashes === true,
        emitIndexUrl: options.emitIndexUrl === true,
        emitFindLinks: options.emitFindLinks === true,
      },
      stdin: invocation.stdin,
      puffinVersion: PUFFIN_VERSION,
      reporter,
    }).catch((error: unknown) => reportNoSolution(error, printer));
  } finally {
    reporter.finish();
  }
  printResolutionWarnings(printer, result.warnings);
  if (result.text !== "" && (options.quiet !== true || options.outputFile === undefined)) {
    printer.data(result.text);
  }
}
