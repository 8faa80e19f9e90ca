import { statSync } from "node:fs";
import { resolve as resolvePath } from "node:path";
import {
  type IndexLocations,
  isRegistryDist,
  type RegistryFile,
  type ResolvedDist,
} from "../distribution-types/index.ts";
import type { Interpreter } from "../interpreter/index.ts";
import type { PackageName } from "../normalize/index.ts";
import type { Version } from "../pep440/index.ts";
import { targetPlatform } from "../platform-tags/index.ts";
import { preferredHash } from "../pypi-types/index.ts";
import { parseRequirementsFile } from "../requirements-txt/index.ts";
import type { RegistryProvider, ResolverTarget } from "../resolver/index.ts";
import { targetFromInterpreter } from "../resolver/index.ts";
import { stripCredentials, writeUserFile } from "../support/index.ts";
import { type SourceAnnotation, SourceAnnotations } from "./annotations.ts";
import { targetInterpreter } from "./python.ts";
import type { OperationReporter } from "./reporter.ts";
import {
  expandProjectSources,
  nameUnnamedSources,
  type RequirementSources,
  readRequirementSources,
  type SourcedRequirement,
} from "./requirement-sources.ts";
import {
  type AnnotationStyle,
  type OutputPin,
  renderRequirementsTxt,
} from "./requirements-output.ts";
import { resolveSources } from "./resolve.ts";
import { Session } from "./session.ts";
import type {
  BinarySelection,
  BuildSettings,
  PythonSettings,
  ResolverSettings,
  SessionSettings,
  SourceSettings,
} from "./settings.ts";

/** How `pip compile` writes its output. */
export interface CompileOutputSettings {
  /** `-o FILE`: written too (atomically); its pins are preferred unless upgraded. */
  readonly outputFile: string | undefined;
  /** The header's command line (`--no-header`: undefined). */
  readonly headerCommand: string | undefined;
  readonly annotate: boolean;
  readonly annotationStyle: AnnotationStyle;
  readonly generateHashes: boolean;
  readonly emitIndexUrl: boolean;
  readonly emitFindLinks: boolean;
}

export interface PipCompileRequest {
  readonly session: SessionSettings;
  readonly python: PythonSettings;
  /** `--python-version`: the target's Python version, patching the interpreter's. */
  readonly pythonVersion: string | undefined;
  /** `--python-platform`: the target's platform (uv's name), replacing the interpreter's. */
  readonly pythonPlatform?: string | undefined;
  readonly sources: SourceSettings;
  readonly resolver: ResolverSettings;
  readonly build: BuildSettings;
  /** `-U` (all) / `-P` (these): the output file's pins are not preferred for them. */
  readonly upgrade: { readonly all: boolean; readonly packages: readonly BinarySelection[] };
  readonly output: CompileOutputSettings;
  /** Stdin's bytes as they come (for the `-` source, read with a bound on their size). */
  readonly stdin: () => AsyncIterable<Uint8Array | string>;
  readonly puffinVersion: string;
  readonly reporter?: OperationReporter | undefined;
}

export interface PipCompileResult {
  readonly interpreter: Interpreter;
  /** The output file's text (also written to `-o`). */
  readonly text: string;
  readonly count: number;
}

/**
 * `pip compile`: requirements files, `pyproject.toml` files, projects read through their build
 * backend (`setup.py`, dynamic dependencies) or stdin, resolved for one target — an
 * interpreter's markers and tags, `--python-version` patching its version — into pinned
 * requirements written like uv's (`requirements-output.ts`); with `-o`, to that file too, whose
 * earlier pins are the preferred versions.
 */
export async function pipCompile(request: PipCompileRequest): Promise<PipCompileResult> {
  const { invocation } = request.session;
  const sources = await readRequirementSources({
    ...request.sources,
    cwd: invocation.cwd,
    env: invocation.env,
    stdin: request.stdin,
  });
  const session = await Session.open(request.session, sources);
  try {
    const interpreter = await targetInterpreter(request.python, invocation, session.cache);
    const platform =
      request.pythonPlatform === undefined
        ? undefined
        : targetPlatform(request.pythonPlatform, {
            macosDeploymentTarget: invocation.env["MACOSX_DEPLOYMENT_TARGET"],
          });
    const target = targetFromInterpreter(interpreter, request.pythonVersion, platform);
    const builds = session.builds(interpreter, request.build, sources, {
      binary: request.resolver,
      reporter: request.reporter,
      puffinVersion: request.puffinVersion,
    });
    try {
      const { database } = builds;
      // Inputs whose name or requirements only their build backend knows (a `setup.py` project).
      await nameUnnamedSources(sources, database, invocation.cwd);
      await expandProjectSources(sources, database, {
        environment: target.environment,
        extras: request.sources.extras,
        allExtras: request.sources.allExtras,
        cwd: invocation.cwd,
      });
      const { output } = request;
      const preferences =
        request.upgrade.all || output.outputFile === undefined
          ? new Map<PackageName, Version>()
          : await existingPins(
              resolvePath(invocation.cwd, output.outputFile),
              invocation,
              request.upgrade.packages,
            );
      const { resolution, provider } = await resolveSources({
        client: session.client,
        database,
        target,
        sources,
        settings: request.resolver,
        noBuild: request.build.noBuild,
        preferences,
        reporter: request.reporter,
      });
      const text = await renderOutput([...resolution], sources, {
        output,
        target,
        provider,
        locations: session.locations,
      });
      if (output.outputFile !== undefined) {
        await writeUserFile(resolvePath(invocation.cwd, output.outputFile), text);
      }
      return { interpreter, text, count: resolution.size };
    } finally {
      await builds.close();
    }
  } finally {
    await session.close();
  }
}

/**
 * The pins of an existing output file, the preferred versions of this resolution: every
 * `name==version` in it, except the packages named by `--upgrade-package`. A missing file has
 * none.
 */
async function existingPins(
  path: string,
  invocation: { readonly cwd: string; readonly env: NodeJS.ProcessEnv },
  upgrade: readonly BinarySelection[],
): Promise<Map<PackageName, Version>> {
  const pins = new Map<PackageName, Version>();
  // Only a regular file holds earlier pins: `-o /dev/stdout` or `-o /dev/full` is a place to
  // write to, and reading it would block on a pipe or never end (a device of zeros).
  // A path that cannot be examined has no pins either; writing the output will say why.
  if (!isRegularFile(path)) return pins;
  const parsed = await parseRequirementsFile(path, {
    workingDir: invocation.cwd,
    env: invocation.env,
  });
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
  readonly output: CompileOutputSettings;
  readonly target: ResolverTarget;
  readonly provider: RegistryProvider;
  readonly locations: IndexLocations;
}

/** The output file's text for a resolution (see `requirements-output.ts`). */
async function renderOutput(
  resolved: readonly ResolvedDist[],
  sources: RequirementSources,
  context: RenderContext,
): Promise<string> {
  const { output, target } = context;
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
    resolved.map(async (p) => {
      const { name } = p.dist;
      return {
        name,
        requirement: requirementLine(p, editables.has(name)),
        editable: editables.has(name),
        hashes:
          output.generateHashes && "file" in p.dist
            ? fileHashes(await context.provider.distributionFiles(name, p.version))
            : [],
        dependents: p.dependents,
        sources: annotations.get(name),
      };
    }),
  );
  return renderRequirementsTxt(pins, {
    headerCommand: output.headerCommand,
    preamble: preamble(context.locations, output),
    annotate: output.annotate,
    annotationStyle: output.annotationStyle,
  });
}

/**
 * `name==version`; a URL as `name @ URL` (a git URL pinned to its full commit), a bare path as
 * given, an editable as `-e URL`. A URL's literal credentials are not written (`${VAR}`
 * references are): the file is meant to be shared, and they come back from `.netrc` or the
 * index URL of the same host when it is installed.
 */
function requirementLine(p: ResolvedDist, editable: boolean): string {
  const { dist } = p;
  if (isRegistryDist(dist)) return `${dist.name}==${p.version}`;
  const given = dist.kind === "git" ? dist.git.pinnedUrl : dist.url.given;
  const pinned = stripCredentials(given, { keepGitUser: given.startsWith("git+") });
  if (editable) return `-e ${pinned}`;
  if (!/^[A-Za-z][A-Za-z0-9+.-]+:/.test(pinned)) return pinned;
  return `${dist.name} @ ${pinned}`;
}

/**
 * The `--hash` values of a pinned version: one per file of it that the settings allow, for
 * every platform and Python (`RegistryProvider.distributionFiles`), SHA-256 where the index gave it
 * (else the strongest digest pip accepts), sorted and without repeats.
 */
function fileHashes(files: readonly RegistryFile[]): string[] {
  const hashes = new Set<string>();
  for (const { file } of files) {
    const preferred = preferredHash(file.hashes, { anyAlgorithm: false });
    if (preferred !== undefined) hashes.add(`${preferred.algorithm}:${preferred.digest}`);
  }
  return [...hashes].sort();
}

/** `--emit-index-url` / `--emit-find-links` lines, credentials masked. */
function preamble(locations: IndexLocations, output: CompileOutputSettings): string[] {
  const lines: string[] = [];
  if (output.emitIndexUrl) {
    if (locations.indexUrl !== undefined) lines.push(`--index-url ${locations.indexUrl.redacted}`);
    for (const index of locations.extraIndexUrls) {
      const line = `--extra-index-url ${index.redacted}`;
      if (!lines.includes(line)) lines.push(line);
    }
  }
  if (output.emitFindLinks) {
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
