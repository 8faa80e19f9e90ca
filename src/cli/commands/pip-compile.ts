import { statSync } from "node:fs";
import { resolve as resolvePath } from "node:path";
import { type Command, Option } from "commander";
import type { Cache } from "../../cache/index.ts";
import type { BuildDispatch } from "../../dispatch/index.ts";
import type { IndexLocations, RegistryFile } from "../../distribution-types/index.ts";
import type { Interpreter } from "../../interpreter/index.ts";
import type { PackageName } from "../../normalize/index.ts";
import type { Version } from "../../pep440/index.ts";
import type { VerbatimUrl } from "../../pep508/index.ts";
import type {
  PrereleaseMode,
  RegistryProvider,
  Resolution,
  ResolutionMode,
  ResolvedPackage,
  ResolverTarget,
} from "../../resolver/index.ts";
import { PuffinError, stripCredentials } from "../../support/index.ts";
import { addBuildOptions, type BuildOptionValues, openSourceBuilds } from "../build-options.ts";
import { type CommandContext, openRegistrySession } from "../command-context.ts";
import { ExitStatus, ExitWith } from "../exit-status.ts";
import { addIndexOptions, type IndexOptionValues } from "../index-options.ts";
import type { SourceAnnotation } from "../pip-compile/annotations.ts";
import type { CompileSources, SourcedRequirement } from "../pip-compile/compile-sources.ts";
import type { AnnotationStyle, OutputPin } from "../pip-compile/requirements-output.ts";
import { probeTimeoutMs } from "../probe-timeout.ts";
import { repeatable } from "../repeatable.ts";
import {
  addRequirementSourceOptions,
  type RequirementSourceOptionValues,
} from "../requirement-source-options.ts";
import { addResolverOptions, parseExcludeNewer } from "../resolver-options.ts";

/**
 * `puffin pip compile SRC… [-o FILE]`: resolve requirements files, `pyproject.toml` files or
 * stdin into pinned requirements, written like uv's `pip compile` (see `requirements-output.ts`)
 * to stdout and, with `-o`, to that file (atomically). An existing output file's pins are the
 * preferred versions unless `--upgrade` (or `--upgrade-package` for some packages).
 *
 * The target environment is one interpreter's (markers and wheel tags), found as uv's
 * `pip compile` finds it: `--python`, else the active or nearby virtual environment, else the
 * first Python on `PATH`; `--python-version` patches its Python version.
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
    RequirementSourceOptionValues {
  outputFile?: string;
  upgrade?: boolean;
  upgradePackage?: string[];
  resolution: ResolutionMode;
  prerelease?: PrereleaseMode;
  pythonVersion?: string;
  python?: string;
  excludeNewer?: string;
  generateHashes?: boolean;
  header: boolean;
  annotate: boolean;
  annotationStyle: AnnotationStyle;
  customCompileCommand?: string;
  emitIndexUrl?: boolean;
  emitFindLinks?: boolean;
  deps: boolean;
  /** `--no-binary` values; commander's default for the negated name is `true`. */
  binary: string[] | true;
  onlyBinary?: string[];
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
      "--python-version <PYTHON_VERSION>",
      "The Python version to resolve for (e.g. `3.11`), patching the interpreter's",
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
  const started = performance.now();
  const printer = context.printer();
  const [{ readCompileSources, nameUnnamedSources }, { ExtraName, PackageName }] =
    await Promise.all([
      import("../pip-compile/compile-sources.ts"),
      import("../../normalize/index.ts"),
    ]);
  const sources = await readCompileSources({
    sources: sourceArgs,
    constraints: options.constraint ?? [],
    overrides: options.override ?? [],
    extras: (options.extra ?? []).map((extra) => ExtraName.parse(extra)),
    allExtras: options.allExtras === true,
    cwd: context.cwd,
    env: context.env,
    stdin: invocation.stdin,
  });
  mergeFileIndexOptions(command, options, sources);

  const session = await openRegistrySession(command, context);
  let builds: BuildDispatch | undefined;
  try {
    const resolver = await import("../../resolver/index.ts");
    const interpreter = await findTargetInterpreter(options.python, context, session.cache);
    const target = resolver.targetFromInterpreter(interpreter, options.pythonVersion);
    const names = (values: readonly string[] | undefined) =>
      (values ?? []).map((value) => (value === ":all:" ? ":all:" : PackageName.parse(value)));
    const noBinary = [...sources.noBinary, ...names(options.binary === true ? [] : options.binary)];
    const onlyBinary = [...sources.onlyBinary, ...names(options.onlyBinary)];
    const opened = await openSourceBuilds(session, interpreter, options, context.env, {
      noBinary,
      onlyBinary,
    });
    builds = opened;
    const { pinnedUrl, requirementName, sourceProviderOptions } = await import(
      "../../dispatch/index.ts"
    );
    // Inputs whose name only their build backend knows (a `setup.py` project) are named now.
    await nameUnnamedSources(
      sources,
      (url, editable) => requirementName(opened, url, editable),
      context.cwd,
    );
    const provider = new resolver.RegistryProvider({
      client: session.client,
      target,
      ...sourceProviderOptions(opened),
      ...(options.excludeNewer === undefined
        ? {}
        : { excludeNewer: parseExcludeNewer(options.excludeNewer) }),
      noBinary,
      // `--no-build`: sdists are unavailable to the resolution, as in uv.
      onlyBinary: options.build === false ? [":all:"] : onlyBinary,
    });
    const preferences =
      options.upgrade === true || options.outputFile === undefined
        ? new Map<PackageName, Version>()
        : await existingPins(
            resolvePath(context.cwd, options.outputFile),
            context,
            names(options.upgradePackage),
          );
    let resolution: Resolution;
    try {
      const { DirectOnlyProvider } = await import("../pip-compile/direct-only-provider.ts");
      resolution = await resolver.resolve(
        options.deps ? provider : new DirectOnlyProvider(provider),
        {
          requirements: sources.requirements.map((s) => s.requirement),
          constraints: sources.constraints.map((s) => s.requirement),
          overrides: sources.overrides.map((s) => s.requirement),
          preferences,
          environment: target.environment,
          pythonVersion: target.pythonVersion,
          resolution: options.resolution,
          prerelease: options.prerelease ?? (sources.pre ? "allow" : "if-necessary-or-explicit"),
        },
      );
    } catch (error) {
      if (!(error instanceof resolver.NoSolutionError)) throw error;
      const { renderNoSolution } = await import("../pip-compile/no-solution-report.ts");
      printer.raw(renderNoSolution(error.report, error.hints));
      throw new ExitWith(ExitStatus.Failure);
    }
    const { formatElapsed } = await import("../elapsed.ts");
    const count = resolution.packages.length;
    printer.info(
      `Resolved ${count} package${count === 1 ? "" : "s"} in ${formatElapsed(performance.now() - started)}`,
    );

    const text = await renderOutput(resolution, sources, {
      options,
      target,
      provider,
      pinnedUrl: (url) => pinnedUrl(opened, url),
      locations: session.settings.locations,
      args: invocation.args,
    });
    if (options.outputFile !== undefined) {
      const { writeUserFile } = await import("../../support/index.ts");
      await writeUserFile(resolvePath(context.cwd, options.outputFile), text);
    }
    if (text !== "" && (options.quiet !== true || options.outputFile === undefined))
      printer.data(text);
  } finally {
    await builds?.close();
    await session.close();
  }
}

/**
 * Index options written inside the requirements files join the command line's, as in uv: the
 * command line's `--index-url` wins over a file's; extra indexes and find-links add up (the
 * command line's first); `--no-index` anywhere applies.
 */
function mergeFileIndexOptions(
  command: Command,
  options: CompileOptions,
  sources: CompileSources,
): void {
  if (options.indexUrl === undefined && sources.indexUrl !== undefined) {
    command.setOptionValue("indexUrl", sources.indexUrl);
  }
  if (sources.extraIndexUrls.length > 0) {
    command.setOptionValue("extraIndexUrl", [
      ...(options.extraIndexUrl ?? []),
      ...sources.extraIndexUrls,
    ]);
  }
  if (sources.findLinks.length > 0) {
    command.setOptionValue("findLinks", [...(options.findLinks ?? []), ...sources.findLinks]);
  }
  if (sources.noIndex) command.setOptionValue("index", false);
}

/** uv's choice for `pip compile`: `--python`, else a virtual environment, else any Python. */
async function findTargetInterpreter(
  python: string | undefined,
  context: CommandContext,
  cache: Cache,
): Promise<Interpreter> {
  const { findBaseInterpreter, findEnvironmentInterpreter } = await import(
    "../../interpreter/index.ts"
  );
  const options = {
    python,
    env: context.env,
    cwd: context.cwd,
    cache,
    probeTimeoutMs: probeTimeoutMs(context.env),
  };
  if (python !== undefined) return findBaseInterpreter(options);
  try {
    return await findEnvironmentInterpreter(options);
  } catch (error) {
    if (error instanceof PuffinError && error.code === "no-environment") {
      return findBaseInterpreter(options);
    }
    throw error;
  }
}

/**
 * The pins of an existing output file, the preferred versions of this resolution: every
 * `name==version` in it, except the packages named by `--upgrade-package`. A missing file has
 * none.
 */
async function existingPins(
  path: string,
  context: CommandContext,
  upgrade: readonly (PackageName | ":all:")[],
): Promise<Map<PackageName, Version>> {
  const pins = new Map<PackageName, Version>();
  // Only a regular file holds earlier pins: `-o /dev/stdout` or `-o /dev/full` is a place to
  // write to, and reading it would block on a pipe or never end (a device of zeros).
  // A path that cannot be examined has no pins either; writing the output will say why.
  if (!isRegularFile(path)) return pins;
  const { parseRequirementsFile } = await import("../../requirements-txt/index.ts");
  const parsed = await parseRequirementsFile(path, { workingDir: context.cwd, env: context.env });
  for (const entry of parsed.requirements) {
    if (entry.requirement.kind !== "named") continue;
    const { name, version } = entry.requirement.requirement;
    if (upgrade.includes(name) || version.kind !== "specifiers") continue;
    const [only, ...more] = version.specifiers.specifiers;
    if (only !== undefined && more.length === 0 && only.operator === "==" && !only.wildcard) {
      pins.set(name, only.version);
    }
  }
  return pins;
}

interface RenderContext {
  readonly options: CompileOptions;
  readonly target: ResolverTarget;
  readonly provider: RegistryProvider;
  /** The URL a URL requirement is pinned to (a git URL at its full commit). */
  readonly pinnedUrl: (url: VerbatimUrl) => Promise<string>;
  readonly locations: IndexLocations;
  readonly args: readonly string[];
}

/** The output file's text for a resolution (see `requirements-output.ts`). */
async function renderOutput(
  resolution: Resolution,
  sources: CompileSources,
  context: RenderContext,
): Promise<string> {
  const [{ SourceAnnotations }, { renderRequirementsTxt }, { headerCommand }] = await Promise.all([
    import("../pip-compile/annotations.ts"),
    import("../pip-compile/requirements-output.ts"),
    import("../pip-compile/header-command.ts"),
  ]);
  const { options, target } = context;
  const active = (s: SourcedRequirement) =>
    s.requirement.marker?.evaluate(target.environment, []) ?? true;
  const annotations = new SourceAnnotations();
  const editables = new Set<PackageName>();
  const annotate = (list: readonly SourcedRequirement[], kind: SourceAnnotation["kind"]) => {
    for (const s of list.filter(active)) {
      annotations.add(s.requirement.name, { kind, origin: s.origin });
      if (s.editable) editables.add(s.requirement.name);
    }
  };
  annotate(sources.requirements, "requirement");
  annotate(sources.constraints, "constraint");
  annotate(sources.overrides, "override");

  const pins: OutputPin[] = await Promise.all(
    resolution.packages.map(async (p) => ({
      name: p.name,
      requirement: requirementLine(
        p,
        editables.has(p.name),
        p.url === undefined ? undefined : await context.pinnedUrl(p.url),
      ),
      editable: editables.has(p.name),
      hashes:
        options.generateHashes === true && p.url === undefined
          ? fileHashes(await context.provider.usableFiles(p.name, p.version))
          : [],
      dependents: p.dependents,
      sources: annotations.get(p.name),
    })),
  );
  return renderRequirementsTxt(pins, {
    headerCommand: options.header
      ? headerCommand(context.args, {
          emitIndexUrl: options.emitIndexUrl === true,
          emitFindLinks: options.emitFindLinks === true,
          customCommand: options.customCompileCommand,
        })
      : undefined,
    preamble: preamble(context.locations, options),
    annotate: options.annotate,
    annotationStyle: options.annotationStyle,
  });
}

/**
 * `name==version`; a URL as `name @ URL`, a bare path as given, an editable as `-e URL`. A URL's
 * literal credentials are not written (`${VAR}` references are): the file is meant to be shared,
 * and they come back from `.netrc` or the index URL of the same host when it is installed.
 */
function requirementLine(p: ResolvedPackage, editable: boolean, given: string | undefined): string {
  if (p.url === undefined || given === undefined) return `${p.name}==${p.version}`;
  const pinned = stripCredentials(given, { keepGitUser: given.startsWith("git+") });
  if (editable) return `-e ${pinned}`;
  if (!/^[A-Za-z][A-Za-z0-9+.-]+:/.test(pinned)) return pinned;
  return `${p.name} @ ${pinned}`;
}

/**
 * The `--hash` values of a pinned version: one per usable file, SHA-256 where the index gave it
 * (else the strongest digest pip accepts), sorted and without repeats.
 */
function fileHashes(files: readonly RegistryFile[]): string[] {
  const hashes = new Set<string>();
  for (const { file } of files) {
    const algorithm = (["sha256", "sha384", "sha512"] as const).find(
      (a) => file.hashes[a] !== undefined,
    );
    if (algorithm !== undefined) hashes.add(`${algorithm}:${file.hashes[algorithm]}`);
  }
  return [...hashes].sort();
}

/** `--emit-index-url` / `--emit-find-links` lines, credentials masked. */
function preamble(locations: IndexLocations, options: CompileOptions): string[] {
  const lines: string[] = [];
  if (options.emitIndexUrl === true) {
    if (locations.indexUrl !== undefined) lines.push(`--index-url ${locations.indexUrl.redacted}`);
    for (const index of locations.extraIndexUrls) {
      const line = `--extra-index-url ${index.redacted}`;
      if (!lines.includes(line)) lines.push(line);
    }
  }
  if (options.emitFindLinks === true) {
    for (const location of locations.findLinks) {
      lines.push(`--find-links ${location.kind === "path" ? location.path : location.redacted}`);
    }
  }
  return lines;
}

function isRegularFile(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isFile() === true;
  } catch {
    return false;
  }
}
