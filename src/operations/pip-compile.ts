import { statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, resolve as resolvePath } from "node:path";
import type { Interpreter } from "../interpreter/index.ts";
import type { PackageName } from "../normalize/index.ts";
import { Version, VersionRange } from "../pep440/index.ts";
import {
  type MarkerEnvironment,
  MarkerSet,
  MarkerTree,
  possibleEnvironments,
} from "../pep508/index.ts";
import { targetPlatform } from "../platform-tags/index.ts";
import { isPylockFileName, parsePylock, renderPylock } from "../pylock/index.ts";
import { parseRequirementsFile } from "../requirements-txt/index.ts";
import {
  isUniversal,
  type MarkedPreference,
  type RegistryProvider,
  type ResolutionDiagnostic,
  type SolverResult,
  targetFromInterpreter,
  type UniversalTarget,
} from "../resolver/index.ts";
import { PuffinError, writeUserFile } from "../support/index.ts";
import {
  type CompiledPin,
  type CompileOutputSettings,
  type OutputFormat,
  renderOutput,
} from "./compile-output.ts";
import { buildPylock, type PylockContext } from "./compile-pylock.ts";
import { conditionIn } from "./lock-conditions.ts";
import { targetInterpreter } from "./python.ts";
import type { OperationReporter } from "./reporter.ts";
import {
  expandProjectSources,
  nameUnnamedSources,
  type RequirementSources,
  readRequirementSources,
  type SourcedRequirement,
} from "./requirement-sources.ts";
import { type ResolutionWarning, unmatchedUpgrades } from "./resolution-warnings.ts";
import { resolveSources, resolveSourcesUniversal } from "./resolve.ts";
import { Session } from "./session.ts";
import type {
  BinarySelection,
  BuildSettings,
  PythonSettings,
  ResolverSettings,
  SessionSettings,
  SourceSettings,
} from "./settings.ts";

export interface PipCompileRequest {
  readonly session: SessionSettings;
  readonly python: PythonSettings;
  /** `--python-version`: the target's Python version, patching the interpreter's. */
  readonly pythonVersion: string | undefined;
  /** `--python-platform`: the target's platform (uv's name), replacing the interpreter's. */
  readonly pythonPlatform?: string | undefined;
  /**
   * `--universal`: resolve for every platform and every Python from `--python-version` (else
   * the interpreter's minor version) upward; each output line carries its marker.
   */
  readonly universal?: boolean | undefined;
  /**
   * `--environment MARKER` (repeatable, with `--universal`): cover only the environments where
   * one of these markers holds (uv's `tool.uv.environments`); the lock's `environments`.
   */
  readonly environments?: readonly string[] | undefined;
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
  /** What to warn of: a yanked version, a missing extra, an `-P` that matched nothing. */
  readonly warnings: readonly ResolutionWarning[];
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
    const oneTarget = request.universal
      ? undefined
      : targetFromInterpreter(interpreter, request.pythonVersion, platform);
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
        environment: oneTarget?.environment,
        extras: request.sources.extras,
        allExtras: request.sources.allExtras,
        cwd: invocation.cwd,
      });
      // A universal resolution covers the Pythons the projects support (their `requires-python`).
      const target =
        oneTarget ??
        universalTarget(interpreter, request.pythonVersion, request.environments ?? [], sources);
      const { output } = request;
      const format = outputFormat(output);
      const earlier =
        request.upgrade.all || output.outputFile === undefined
          ? []
          : await existingPins(
              resolvePath(invocation.cwd, output.outputFile),
              format,
              invocation,
              request.upgrade.packages,
            );
      const lock = format === "pylock.toml";
      const resolveRequest = {
        client: session.client,
        database,
        // A universal lock resolves what only extras and groups need under their conditions.
        sources: lock && isUniversal(target) ? lockSources(sources) : sources,
        settings: request.resolver,
        noBuild: request.build.noBuild,
        // One environment prefers the earlier pins that hold in it; a universal resolution
        // each pin in the forks its marker meets.
        preferences: isUniversal(target) ? new Map() : pinsIn(earlier, target.environment),
        markedPreferences: earlier,
        reporter: request.reporter,
      };
      const { pins, provider, active, diagnostics } = isUniversal(target)
        ? await resolveUniversalPins({ ...resolveRequest, target })
        : await resolvePins({ ...resolveRequest, target }, lock);
      const text = lock
        ? await renderLockOutput(pins, {
            provider,
            requiresPython: isUniversal(target) ? target.requiresPython : undefined,
            environments: isUniversal(target) ? target.environmentMarkers : [],
            extras: sources.lockExtras,
            dependencyGroups: sources.lockGroups,
            createdBy: "puffin",
            headerCommand: output.headerCommand,
          })
        : await renderOutput(pins, sources, {
            output,
            active,
            provider,
            locations: session.locations,
          });
      if (output.outputFile !== undefined) {
        await writeUserFile(resolvePath(invocation.cwd, output.outputFile), text);
      }
      const warnings = [
        ...diagnostics,
        ...unmatchedUpgrades(
          request.upgrade.packages,
          pins.map((pin) => pin.name),
        ),
      ];
      return { interpreter, text, count: pins.length, warnings };
    } finally {
      await builds.close();
    }
  } finally {
    await session.close();
  }
}

/**
 * The pins of an existing output file, the preferred versions of this resolution: every
 * `name==version` in it (a lock's every package version), with the marker it carries, except
 * the packages named by `--upgrade-package`. A missing file has none.
 */
async function existingPins(
  path: string,
  format: OutputFormat,
  invocation: { readonly cwd: string; readonly env: NodeJS.ProcessEnv },
  upgrade: readonly BinarySelection[],
): Promise<MarkedPreference[]> {
  const pins: MarkedPreference[] = [];
  // Only a regular file holds earlier pins: `-o /dev/stdout` or `-o /dev/full` is a place to
  // write to, and reading it would block on a pipe or never end (a device of zeros).
  // A path that cannot be examined has no pins either; writing the output will say why.
  if (!isRegularFile(path)) return pins;
  if (format === "pylock.toml") {
    const lock = parsePylock(await readFile(path, "utf8"), path);
    for (const p of lock.packages) {
      if (p.version === undefined || upgrade.includes(p.name)) continue;
      pins.push({ name: p.name, version: p.version, marker: MarkerSet.from(p.marker) });
    }
    return pins;
  }
  const parsed = await parseRequirementsFile(path, {
    workingDir: invocation.cwd,
    env: invocation.env,
  });
  for (const entry of parsed.requirements) {
    if (entry.requirement.kind !== "named") continue;
    const { name, version, marker } = entry.requirement.requirement;
    if (upgrade.includes(name) || version.kind !== "specifiers") continue;
    const [only, ...more] = version.specifiers.specifiers;
    if (only !== undefined && more.length === 0 && only.operator === "==" && !only.wildcard) {
      pins.push({ name, version: only.version, marker: MarkerSet.from(marker) });
    }
  }
  return pins;
}

/** The earlier pins that hold in one environment, as preferences (the first one for a name). */
function pinsIn(pins: readonly MarkedPreference[], environment: MarkerEnvironment) {
  const preferences = new Map<PackageName, Version>();
  for (const pin of pins) {
    if (!preferences.has(pin.name) && pin.marker.evaluate(environment)) {
      preferences.set(pin.name, pin.version);
    }
  }
  return preferences;
}

/**
 * The format to write: `--format`, else inferred from `-o` (`pylock.toml`, `pylock.NAME.toml`:
 * PEP 751). A lock file written elsewhere must still be named as PEP 751 requires.
 */
function outputFormat(output: CompileOutputSettings): OutputFormat {
  const name = output.outputFile === undefined ? undefined : basename(output.outputFile);
  const format =
    output.format ??
    (name !== undefined && isPylockFileName(name) ? "pylock.toml" : "requirements.txt");
  if (format === "pylock.toml" && name !== undefined && !isPylockFileName(name)) {
    throw new PuffinError(
      "invalid-pylock-name",
      `\`${output.outputFile}\` is not a lock file name: PEP 751 names them \`pylock.toml\` or \`pylock.NAME.toml\``,
      { hint: "Write the lock with `-o pylock.toml` (or `-o pylock.NAME.toml`)" },
    );
  }
  return format;
}

/** The lock's text: `# ` header lines (the command), then the TOML. */
async function renderLockOutput(
  pins: readonly CompiledPin[],
  context: PylockContext & { readonly headerCommand: string | undefined },
): Promise<string> {
  const lock = renderPylock(await buildPylock(pins, context));
  if (context.headerCommand === undefined) return lock;
  return `# This file was autogenerated by puffin via the following command:\n#    ${context.headerCommand}\n${lock}`;
}

type PinsRequest = Parameters<typeof resolveSources>[0];

/**
 * One environment's resolution as output lines; for a lock (`lock`), each line needed only
 * through requested extras or groups with their condition as its marker (`lockConditions`).
 */
async function resolvePins(request: PinsRequest, lock: boolean): Promise<CompiledOutput> {
  const { resolution, provider, solved, diagnostics } = await resolveSources(request);
  const { environment } = request.target;
  const conditions = lock ? lockConditions(solved, request.sources, environment) : undefined;
  return {
    pins: [...resolution].map((p) => {
      const condition = conditions?.get(p.dist.name)?.toString() ?? "";
      return {
        name: p.dist.name,
        version: p.version,
        dist: p.dist,
        dependents: p.dependents,
        marker: condition === "" ? undefined : condition,
      };
    }),
    provider,
    active: (s) => s.requirement.marker?.evaluate(environment, []) ?? true,
    diagnostics,
  };
}

/**
 * A universal resolution as output lines: every version with the marker where it is installed,
 * said as simply as the Pythons it covers allow.
 */
async function resolveUniversalPins(
  request: Omit<PinsRequest, "target"> & { readonly target: UniversalTarget },
): Promise<CompiledOutput> {
  const { result, provider, diagnostics } = await resolveSourcesUniversal(request);
  const { requiresPython } = request.target;
  // What the markers need not say: the `--environment` limits, and what cannot exist.
  const care = (request.target.environments ?? MarkerSet.TRUE).and(possibleEnvironments());
  const pins = await Promise.all(
    result.packages.map(async (p): Promise<CompiledPin> => {
      const marker = p.marker.simplifyPython(requiresPython).toStringWithin(care);
      return {
        name: p.name,
        version: p.version,
        dist: await provider.dist(p),
        dependents: p.dependents,
        marker: marker === "" ? undefined : marker,
        markerSet: p.marker.and(MarkerSet.python(requiresPython)),
      };
    }),
  );
  const root = MarkerSet.python(requiresPython);
  return {
    pins,
    provider,
    active: (s) => !MarkerSet.from(s.requirement.marker).isDisjoint(root),
    diagnostics,
  };
}

/**
 * Where a lock of one environment's resolution installs each package: from the root, through
 * the requirements the solution follows, each of the user's requirements adding its condition
 * in this environment (`'x' in extras` for what only extra `x` needs, see `lock-conditions.ts`).
 * A package reached from the project's own requirements has none (true).
 *
 * One environment's resolution decides every other marker, so the resolver resolves the
 * requested extras' and groups' requirements as plain requirements (as for a requirements.txt)
 * and the conditions are traced here, afterwards, along the solution's edges: the resolver never
 * sees (and never evaluates against the interpreter) a marker on `extras` or `dependency_groups`.
 */
function lockConditions(
  solved: SolverResult,
  sources: RequirementSources,
  environment: MarkerEnvironment,
): Map<PackageName, MarkerSet> {
  const selection = { extras: sources.lockExtras, groups: sources.lockGroups };
  const key = (node: { readonly name: PackageName; readonly extra: string | undefined }) =>
    node.extra === undefined ? node.name : `${node.name}[${node.extra}]`;
  const reach = new Map<string, MarkerSet>();
  const add = (node: string, condition: MarkerSet): boolean => {
    const before = reach.get(node) ?? MarkerSet.FALSE;
    const after = before.or(condition);
    if (after.equals(before)) return false;
    reach.set(node, after);
    return true;
  };
  for (const edge of solved.edges) {
    if (edge.from !== undefined) continue;
    const { name, extra } = edge.to;
    const given = sources.requirements.filter(
      (s) =>
        s.requirement.name === name &&
        (extra === undefined || s.requirement.extras.includes(extra)) &&
        (s.requirement.marker?.evaluate(environment, []) ?? true),
    );
    // A requirement the solver took from elsewhere (an override) has no condition.
    let condition = given.length === 0 ? MarkerSet.TRUE : MarkerSet.FALSE;
    for (const s of given) {
      condition = condition.or(
        s.lockMarker === undefined
          ? MarkerSet.TRUE
          : conditionIn(s.lockMarker, environment, selection),
      );
    }
    add(key(edge.to), condition);
  }
  let changed = true;
  while (changed) {
    changed = false;
    for (const edge of solved.edges) {
      if (edge.from === undefined) continue;
      const from = reach.get(key(edge.from));
      if (from !== undefined && add(key(edge.to), from.and(edge.marker))) changed = true;
    }
  }
  const conditions = new Map<PackageName, MarkerSet>();
  for (const p of solved.packages) conditions.set(p.name, reach.get(p.name) ?? MarkerSet.TRUE);
  return conditions;
}

/**
 * The sources as a universal lock resolves them: each requirement with its `lockMarker`, so
 * that what only an extra or a group needs carries `'x' in extras` / `'g' in dependency_groups`
 * through the resolution into the pins' markers (`MarkerSet` keeps such comparisons as atoms of
 * their own, never evaluated against an interpreter). Requirements alike but for their markers
 * are merged, their markers or-ed, when one of them has a lock marker: the resolver forks where
 * one package's requirements have different markers, and `a` beside `a ; 'g' in
 * dependency_groups` is just `a`.
 */
function lockSources(sources: RequirementSources): RequirementSources {
  if (sources.requirements.every((s) => s.lockMarker === undefined)) return sources;
  const alike = new Map<string, SourcedRequirement[]>();
  for (const s of sources.requirements) {
    const key = `${s.editable ? "-e " : ""}${s.requirement.withMarker(undefined).toString()}`;
    alike.set(key, [...(alike.get(key) ?? []), s]);
  }
  const requirements: SourcedRequirement[] = [];
  for (const group of alike.values()) {
    if (group.every((s) => s.lockMarker === undefined)) {
      requirements.push(...group);
      continue;
    }
    let marker = MarkerSet.FALSE;
    for (const s of group) marker = marker.or(s.lockMarker ?? MarkerSet.from(s.requirement.marker));
    const first = group[0]!;
    requirements.push({ ...first, requirement: first.requirement.withMarker(marker.toTree()) });
  }
  return { ...sources, requirements };
}

interface CompiledOutput {
  readonly pins: readonly CompiledPin[];
  readonly provider: RegistryProvider;
  readonly active: (s: SourcedRequirement) => boolean;
  readonly diagnostics: readonly ResolutionDiagnostic[];
}

/**
 * What `pip compile --universal` covers: every platform (within `--environment`), and the
 * Pythons from `--python-version` upward — else from the lower bound of the projects'
 * `requires-python` (the highest, with several), else from the interpreter's `MAJOR.MINOR` — as
 * uv does.
 */
function universalTarget(
  interpreter: Interpreter,
  pythonVersion: string | undefined,
  environments: readonly string[],
  sources: RequirementSources,
): UniversalTarget {
  let lowest: Version;
  if (pythonVersion !== undefined) {
    // Validated (and refused when not `MAJOR.MINOR[.PATCH]` of Python 3) by the target's parser.
    targetFromInterpreter(interpreter, pythonVersion);
    lowest = Version.parse(pythonVersion.trim());
  } else {
    const bounds = sources.projectRequiresPython
      .map((specifiers) => VersionRange.fromSpecifiers(specifiers).intervals[0]?.lower)
      .filter((bound): bound is Version => bound !== undefined)
      .sort((a, b) => b.compare(a));
    lowest =
      bounds[0] ?? Version.parse(`${interpreter.pythonMinor[0]}.${interpreter.pythonMinor[1]}`);
  }
  const markers = environments.map(environmentMarker);
  return {
    kind: "universal",
    requiresPython: VersionRange.higherThan(lowest),
    environments:
      markers.length === 0
        ? undefined
        : markers.reduce((all, m) => all.or(MarkerSet.from(m)), MarkerSet.FALSE),
    environmentMarkers: markers,
  };
}

/** One `--environment` marker; a malformed one is a usage error naming it. */
function environmentMarker(text: string): MarkerTree {
  try {
    return MarkerTree.parse(text);
  } catch (error) {
    throw new PuffinError("invalid-environment-marker", `Invalid --environment \`${text}\``, {
      cause: error,
    });
  }
}

function isRegularFile(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isFile() === true;
  } catch {
    return false;
  }
}
