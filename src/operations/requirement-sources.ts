import { basename, dirname, resolve } from "node:path";
import { parse as parseToml } from "smol-toml";
import { type DistributionDatabase, staticName } from "../distribution/index.ts";
import { ExtraName, type GroupName, PackageName } from "../normalize/index.ts";
import { VersionSpecifiers } from "../pep440/index.ts";
import {
  type MarkerEnvironment,
  MarkerSet,
  type MarkerTree,
  Requirement,
  VerbatimUrl,
} from "../pep508/index.ts";
import {
  type Environment,
  localFileReader,
  parseRequirementsFile,
  parseRequirementText,
  REQUIREMENTS_FILE_LIMIT,
  type RequirementEntry,
  type RequirementsFileReader,
  requirementsTooLarge,
  type SelectionEntries,
  type SourceLocation,
  type UnnamedRequirement,
} from "../requirements-txt/index.ts";
import {
  PuffinError,
  readFileUpToSync,
  readStreamUpTo,
  redactCredentials,
} from "../support/index.ts";
import type { RequirementOrigin } from "./annotations.ts";
import { DependencyGroups } from "./dependency-groups.ts";
import { inDependencyGroups, inExtras } from "./lock-conditions.ts";
import type { GroupRequest } from "./settings.ts";

/**
 * The requirements of a command: package arguments and `-e` paths (read like requirements-file
 * lines), requirements files (`.in`, `.txt`, with their `-r`, `-c`, `-e` and options),
 * `pyproject.toml` files (`[project]` dependencies and the optional dependencies of the
 * requested extras), projects whose requirements only their build backend knows (`setup.py`,
 * dynamic `dependencies`), `-` for stdin, plus `-c` constraint files and `--override` files —
 * read into requirements that remember where they came from.
 */
export interface SourcedRequirement {
  readonly requirement: Requirement;
  readonly origin: RequirementOrigin;
  /** Given with `-e`: written back as `-e URL`. */
  readonly editable: boolean;
  /** `--hash` values as `algorithm:digest` (a requirements file's; none for `pyproject.toml`). */
  readonly hashes: readonly string[];
  /** The line's `--config-settings` (empty for `pyproject.toml`). */
  readonly configSettings: ReadonlyMap<string, string | readonly string[]>;
  /** The file and line that holds it (none for `pyproject.toml` and project metadata). */
  readonly location?: SourceLocation | undefined;
  /**
   * Where a lock needs it, when that is not `requirement.marker`: a requirement of a requested
   * extra or dependency group of a project is needed only with that extra or group, so its
   * marker is and-ed with `'x' in extras` / `'g' in dependency_groups` (see
   * `lock-conditions.ts`). The requirement itself (what a requirements.txt output and one
   * environment's resolution use) applies unconditionally, as the extras and groups are asked for.
   */
  readonly lockMarker?: MarkerSet | undefined;
}

export interface RequirementSources {
  readonly requirements: SourcedRequirement[];
  /**
   * Requirements given as a bare URL or path whose name nothing static tells (a `setup.py`
   * project): `nameUnnamedSources` names them through a build backend and moves them into
   * `requirements`, once the command can build.
   */
  readonly unnamed: UnnamedSource[];
  /**
   * Projects whose requirements only their build backend can tell (`setup.py`, `setup.cfg`, a
   * `pyproject.toml` with dynamic `dependencies`): `expandProjectSources` reads their metadata
   * through the database and moves their requirements into `requirements`.
   */
  readonly projects: ProjectSource[];
  readonly constraints: SourcedRequirement[];
  readonly overrides: SourcedRequirement[];
  /** Global options found inside the requirements files (pip's rules, see `RequirementsTxt`). */
  readonly indexUrl: string | undefined;
  readonly extraIndexUrls: string[];
  readonly findLinks: string[];
  readonly noIndex: boolean;
  /** `--require-hashes` in a file. */
  readonly requireHashes: boolean;
  /** `--pre` in a file: pre-releases allowed. */
  readonly pre: boolean;
  readonly noBinary: SelectionEntries;
  readonly onlyBinary: SelectionEntries;
  /** The extras whose requirements are included: requested and declared (a lock's `extras`). */
  readonly lockExtras: ExtraName[];
  /** The dependency groups whose requirements are included (a lock's `dependency-groups`). */
  readonly lockGroups: GroupName[];
  /** The `Requires-Python` of the projects read (`pyproject.toml` inputs), once expanded. */
  readonly projectRequiresPython: VersionSpecifiers[];
}

/** A requirements-file entry waiting for its name (see `RequirementSources.unnamed`). */
export interface UnnamedSource {
  readonly unnamed: UnnamedRequirement;
  readonly location: SourceLocation;
  readonly origin: RequirementOrigin;
  readonly editable: boolean;
  readonly hashes: readonly string[];
  readonly configSettings: ReadonlyMap<string, string | readonly string[]>;
}

/** A project read through its build backend (see `RequirementSources.projects`). */
export interface ProjectSource {
  /** The project's directory. */
  readonly directory: string;
  /** The file as the user named it (`setup.py`, `pyproject.toml`), for annotations. */
  readonly path: string;
  /**
   * Extras of the project that requested dependency groups name (`project[x]` in a group),
   * with the groups' condition (`'g' in dependency_groups`).
   */
  readonly groupExtras?: ReadonlyMap<ExtraName, MarkerSet> | undefined;
}

export interface ReadSourcesOptions {
  /** Requirement arguments (`pip install PKG…`), each read like a requirements-file line. */
  readonly packages?: readonly string[];
  /** `-e PATH` arguments. */
  readonly editables?: readonly string[];
  /** Requirements files (`-r FILE`, `pip compile`'s `SRC_FILE…`, `-` for stdin). */
  readonly requirements: readonly string[];
  readonly constraints: readonly string[];
  readonly overrides: readonly string[];
  /** `--extra`: optional dependencies of the `pyproject.toml` sources to include. */
  readonly extras: readonly ExtraName[];
  readonly allExtras: boolean;
  /** `--group`: dependency groups (PEP 735) of the `pyproject.toml` sources to include. */
  readonly dependencyGroups?: readonly GroupRequest[] | undefined;
  /** `--all-groups`: every dependency group of the `pyproject.toml` sources. */
  readonly allGroups?: boolean | undefined;
  /** Relative paths (sources and requirements in them) are taken from here. */
  readonly cwd: string;
  /** For `${VAR}` in requirements files. */
  readonly env: Environment;
  /** Stdin's bytes as they come, read (with a bound on their size) when a source is `-`. */
  readonly stdin: () => AsyncIterable<Uint8Array | string>;
}

const STDIN = "-";

/** `stdin` for a command that does not read requirements from stdin: `-` is refused. */
export function stdinUnsupported(command: string): () => never {
  return () => {
    throw new PuffinError(
      "stdin-unsupported",
      `\`${command}\` does not read requirements from stdin`,
    );
  };
}

export async function readRequirementSources(
  options: ReadSourcesOptions,
): Promise<RequirementSources> {
  const result: RequirementSources = {
    requirements: [],
    unnamed: [],
    projects: [],
    constraints: [],
    overrides: [],
    indexUrl: undefined,
    extraIndexUrls: [],
    findLinks: [],
    noIndex: false,
    requireHashes: false,
    pre: false,
    noBinary: [],
    onlyBinary: [],
    lockExtras: [],
    lockGroups: [],
    projectRequiresPython: [],
  };
  const mutable = result as { -readonly [K in keyof RequirementSources]: RequirementSources[K] };
  const reader = stdinReader(options);
  const wantsExtras = options.allExtras || options.extras.length > 0;
  const foundExtras = new Set<ExtraName>();
  const groupRequests = options.dependencyGroups ?? [];
  const allGroups = options.allGroups === true;
  /** The requests a file answers: those without a path, and those naming it. */
  const groupsOf = (path: string) =>
    groupRequests
      .filter((g) => g.path === undefined || resolve(options.cwd, g.path) === path)
      .map((g) => g.name);
  const answered = new Set<GroupRequest>();
  const answer = (path: string, declared: readonly GroupName[]) => {
    for (const request of groupRequests) {
      if (!declared.includes(request.name)) continue;
      if (request.path === undefined || resolve(options.cwd, request.path) === path) {
        answered.add(request);
      }
    }
  };
  let sawProject = false;
  readCommandLine(options, result);

  const readPyproject = (source: string, groupsOnly: boolean) => {
    const path = resolve(options.cwd, source);
    const text = readText(path, source);
    const selection = { groups: groupsOf(path), allGroups };
    const project = groupsOnly
      ? groupsOnlyProject(text, source, selection, options.cwd)
      : pyprojectRequirements(text, source, {
          extras: options.extras,
          allExtras: options.allExtras,
          cwd: options.cwd,
          ...selection,
        });
    if (project === "dynamic") {
      // Dependency groups are never dynamic (PEP 735): read here, the rest by the backend.
      const groups = pyprojectGroups(text, source, { ...selection, cwd: options.cwd });
      answer(path, groups.declared);
      pushNew(result.lockGroups, groups.requested);
      const groupExtras = new Map<ExtraName, MarkerSet>();
      for (const { extra, condition } of groups.selfExtras) {
        groupExtras.set(extra, (groupExtras.get(extra) ?? MarkerSet.FALSE).or(condition));
      }
      result.projects.push({ directory: dirname(path), path: source, groupExtras });
      const origin: RequirementOrigin = { kind: "file", path: source };
      for (const { requirement, condition } of groups.entries) {
        result.requirements.push(projectRequirement(requirement, origin, condition));
      }
      return;
    }
    for (const extra of project.extras) foundExtras.add(extra);
    answer(path, project.groups);
    pushNew(result.lockExtras, project.requestedExtras);
    pushNew(result.lockGroups, project.requestedGroups);
    if (project.requiresPython !== undefined) {
      result.projectRequiresPython.push(project.requiresPython);
    }
    const origin: RequirementOrigin =
      project.name === undefined
        ? { kind: "file", path: source }
        : { kind: "project", path: source, name: project.name };
    for (const requirement of project.requirements) {
      result.requirements.push(
        projectRequirement(requirement, origin, project.conditions.get(requirement)),
      );
    }
  };

  for (const source of options.requirements) {
    if (basename(source) === "pyproject.toml") {
      sawProject = true;
      readPyproject(source, false);
      continue;
    }
    if (/^(setup\.py|setup\.cfg)$/.test(basename(source))) {
      // Only the build backend knows these projects' requirements.
      sawProject = true;
      result.projects.push({ directory: dirname(resolve(options.cwd, source)), path: source });
      continue;
    }
    const parsed = await parseRequirementsFile(source, {
      workingDir: options.cwd,
      env: options.env,
      reader,
    });
    for (const entry of [...parsed.editables, ...parsed.requirements]) {
      const { requirement } = entry;
      if (requirement.kind === "unnamed" && staticName(requirement.requirement.url) === undefined) {
        result.unnamed.push({
          unnamed: requirement.requirement,
          location: entry.source,
          origin: { kind: "file", path: entry.source.file },
          editable: entry.editable,
          hashes: entry.hashes,
          configSettings: entry.configSettings,
        });
      } else {
        result.requirements.push(sourced(entry, options.cwd));
      }
    }
    for (const entry of parsed.constraints) result.constraints.push(sourced(entry, options.cwd));
    if (parsed.indexUrl !== undefined) mutable.indexUrl = parsed.indexUrl;
    mutable.noIndex ||= parsed.noIndex;
    mutable.requireHashes ||= parsed.requireHashes;
    mutable.pre ||= parsed.pre;
    pushNew(result.extraIndexUrls, parsed.extraIndexUrls);
    pushNew(result.findLinks, parsed.findLinks);
    pushNew(result.noBinary, parsed.formatControl.noBinary);
    pushNew(result.onlyBinary, parsed.formatControl.onlyBinary);
  }

  // `--group PATH:NAME` of a file that is not an input: its groups only (as uv does).
  const inputs = new Set(
    options.requirements
      .filter((source) => basename(source) === "pyproject.toml")
      .map((source) => resolve(options.cwd, source)),
  );
  const others = new Map<string, string>();
  for (const request of groupRequests) {
    if (request.path === undefined) continue;
    const path = resolve(options.cwd, request.path);
    if (!inputs.has(path) && !others.has(path)) others.set(path, request.path);
  }
  for (const shown of others.values()) readPyproject(shown, true);

  if (wantsExtras && !sawProject) {
    throw new PuffinError(
      "compile-extras-without-project",
      "Requesting extras requires a `pyproject.toml` source",
    );
  }
  for (const extra of options.extras) {
    // A project read through its backend says which extras it has only once it is read.
    if (!foundExtras.has(extra) && result.projects.length === 0) {
      throw new PuffinError("compile-extra-not-found", `Requested extra not found: ${extra}`);
    }
  }

  if ((allGroups || groupRequests.length > 0) && !sawProject && others.size === 0) {
    throw new PuffinError(
      "compile-groups-without-project",
      "Requesting dependency groups requires a `pyproject.toml` source",
    );
  }
  for (const request of groupRequests) {
    if (answered.has(request)) continue;
    throw new PuffinError(
      "compile-group-not-found",
      request.path === undefined
        ? `Requested dependency group not found: \`${request.name}\` (no \`pyproject.toml\` source declares it in \`[dependency-groups]\`)`
        : `Requested dependency group not found: \`${request.name}\` is not declared in \`[dependency-groups]\` of \`${request.path}\``,
    );
  }

  for (const path of options.constraints) {
    const parsed = await parseRequirementsFile(path, {
      workingDir: options.cwd,
      env: options.env,
      reader,
      constraint: true,
    });
    for (const entry of parsed.constraints) result.constraints.push(sourced(entry, options.cwd));
  }
  for (const path of options.overrides) {
    const parsed = await parseRequirementsFile(path, {
      workingDir: options.cwd,
      env: options.env,
      reader,
    });
    for (const entry of [...parsed.requirements, ...parsed.constraints]) {
      result.overrides.push(sourced(entry, options.cwd, path));
    }
    if (parsed.editables.length > 0) {
      throw new PuffinError(
        "compile-override-editable",
        `Editable requirements are not allowed as overrides (in \`${path}\`)`,
      );
    }
  }
  return result;
}

/** The project's requirements: `[project] dependencies` and the requested extras' and groups'. */
export interface ProjectRequirements {
  /** `undefined` for a file with only `[dependency-groups]` (PEP 735 allows one). */
  readonly name: PackageName | undefined;
  readonly requirements: Requirement[];
  /**
   * The requirements needed only through requested extras or groups (by identity), with where a
   * lock installs them: `'x' in extras`, `'g' in dependency_groups`, or-ed (see
   * `lock-conditions.ts`), to be and-ed with their own marker.
   */
  readonly conditions: ReadonlyMap<Requirement, MarkerSet>;
  /** Every extra the project declares. */
  readonly extras: readonly ExtraName[];
  /** The requested extras it declares (all of them with `allExtras`). */
  readonly requestedExtras: readonly ExtraName[];
  /** Every dependency group the file declares. */
  readonly groups: readonly GroupName[];
  /** The requested groups it declares (all of them with `allGroups`). */
  readonly requestedGroups: readonly GroupName[];
  /** `project.requires-python`, when given. */
  readonly requiresPython?: VersionSpecifiers | undefined;
}

/** Which dependency groups of a `pyproject.toml` to include (PEP 735). */
export interface GroupSelection {
  /** Groups to include where the file declares them. */
  readonly groups: readonly GroupName[];
  /** `--all-groups`: every group the file declares. */
  readonly allGroups: boolean;
}

/**
 * Reads the static requirements of a `pyproject.toml` (PEP 621): `dependencies`, plus the
 * `optional-dependencies` of `extras` (all of them with `allExtras`) and the requirements of the
 * requested `[dependency-groups]` (PEP 735, read by `DependencyGroups`). A requirement on the
 * project itself with extras (`project[test]`, in an extra or a group) stands for those extras'
 * requirements, expanded here. Dependencies listed as `dynamic` are only known from the build
 * backend: `"dynamic"` then (see `expandProjectSources`; its groups: `pyprojectGroups`). A file
 * without `[project]` is refused, unless groups are requested (a file of dependency groups only).
 * `path` is the file as the user named it, for messages.
 * https://packaging.python.org/en/latest/specifications/pyproject-toml/
 */
export function pyprojectRequirements(
  text: string,
  path: string,
  options: {
    extras: readonly ExtraName[];
    allExtras: boolean;
    cwd: string;
  } & Partial<GroupSelection>,
): ProjectRequirements | "dynamic" {
  const document = parsePyprojectToml(text, path);
  const selection = { groups: options.groups ?? [], allGroups: options.allGroups ?? false };
  const project = document["project"];
  if (project === undefined && (selection.allGroups || selection.groups.length > 0)) {
    const groups = groupRequirements(document, path, selection, undefined, options.cwd);
    const conditions = new Map(groups.entries.map((e) => [e.requirement, e.condition] as const));
    return {
      name: undefined,
      requirements: groups.entries.map((e) => e.requirement),
      conditions,
      extras: [],
      requestedExtras: [],
      groups: groups.declared,
      requestedGroups: groups.requested,
    };
  }
  if (!isTable(project)) {
    throw new PuffinError("pyproject-no-project", `\`${path}\` has no \`[project]\` table`, {
      hint: "List the dependencies under `[project] dependencies` (PEP 621)",
    });
  }
  if (typeof project["name"] !== "string") {
    throw new PuffinError("invalid-pyproject", `\`${path}\`: \`project.name\` must be a string`);
  }
  const name = PackageName.parse(project["name"]);
  const dynamic = Array.isArray(project["dynamic"]) ? project["dynamic"] : [];
  const wantsExtras = options.allExtras || options.extras.length > 0;
  // Requirements declared dynamic are only known from the build backend's metadata.
  for (const field of ["dependencies", ...(wantsExtras ? ["optional-dependencies"] : [])]) {
    if (dynamic.includes(field)) return "dynamic";
  }
  const parse = (value: unknown, field: string): Requirement[] => {
    if (value === undefined) return [];
    if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
      throw new PuffinError(
        "invalid-pyproject",
        `\`${path}\`: \`${field}\` must be a list of strings`,
      );
    }
    return value.map((entry: string) => {
      try {
        return Requirement.parse(entry, { workingDirectory: options.cwd });
      } catch (error) {
        throw new PuffinError(
          "invalid-pyproject",
          `\`${path}\`: invalid requirement in \`${field}\`: \`${entry}\``,
          {
            cause: error,
          },
        );
      }
    });
  };
  const optionalTable = project["optional-dependencies"] ?? {};
  if (!isTable(optionalTable)) {
    throw new PuffinError(
      "invalid-pyproject",
      `\`${path}\`: \`project.optional-dependencies\` must be a table`,
    );
  }
  const optional = new Map<ExtraName, Requirement[]>();
  for (const [extra, value] of Object.entries(optionalTable)) {
    const key = ExtraName.parse(extra);
    optional.set(key, [
      ...(optional.get(key) ?? []),
      ...parse(value, `project.optional-dependencies.${extra}`),
    ]);
  }
  const requested = options.allExtras
    ? [...optional.keys()]
    : options.extras.filter((e) => optional.has(e));
  const groups = groupRequirements(document, path, selection, name, options.cwd);
  const base = parse(project["dependencies"], "project.dependencies");

  // Where each extra is needed: everywhere when the base requirements name it
  // (`project[x]`), with `'x' in extras` when requested, where a group or another needed extra
  // names it. A fixpoint, as extras may name each other in a cycle.
  const needed = new Map<ExtraName, MarkerSet>();
  let changed = false;
  const need = (extra: ExtraName, condition: MarkerSet) => {
    const before = needed.get(extra) ?? MarkerSet.FALSE;
    const after = before.or(condition);
    if (!after.equals(before)) {
      needed.set(extra, after);
      changed = true;
    }
  };
  const isSelf = (requirement: Requirement) => requirement.name === name;
  for (const requirement of base.filter(isSelf)) {
    for (const extra of requirement.extras) need(extra, MarkerSet.TRUE);
  }
  for (const extra of requested) need(extra, inExtras(extra));
  for (const { extra, condition } of groups.selfExtras) need(extra, condition);
  do {
    changed = false;
    for (const [extra, condition] of [...needed]) {
      for (const requirement of (optional.get(extra) ?? []).filter(isSelf)) {
        for (const named of requirement.extras) need(named, condition);
      }
    }
  } while (changed);

  const requirements = base.filter((r) => !isSelf(r));
  const conditions = new Map<Requirement, MarkerSet>();
  for (const [extra, list] of optional) {
    const condition = needed.get(extra);
    if (condition === undefined) continue;
    for (const requirement of list.filter((r) => !isSelf(r))) {
      requirements.push(requirement);
      if (!condition.isTrue()) conditions.set(requirement, condition);
    }
  }
  for (const { requirement, condition } of groups.entries) {
    requirements.push(requirement);
    conditions.set(requirement, condition);
  }
  return {
    name,
    requirements,
    conditions,
    extras: [...optional.keys()],
    requestedExtras: requested,
    groups: groups.declared,
    requestedGroups: groups.requested,
    requiresPython: projectRequiresPython(project["requires-python"], path),
  };
}

/** `project.requires-python` of a `pyproject.toml`: a PEP 440 specifier set, or an error. */
function projectRequiresPython(value: unknown, path: string): VersionSpecifiers | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "string") {
    try {
      return VersionSpecifiers.parse(value);
    } catch (error) {
      throw new PuffinError(
        "invalid-pyproject",
        `\`${path}\`: \`project.requires-python\` is not a version specifier: ${JSON.stringify(value)}`,
        { cause: error },
      );
    }
  }
  throw new PuffinError(
    "invalid-pyproject",
    `\`${path}\`: \`project.requires-python\` must be a string`,
  );
}

/** The requested dependency groups of a `pyproject.toml`, for a project read through its backend. */
export function pyprojectGroups(
  text: string,
  path: string,
  selection: GroupSelection & { readonly cwd: string },
): GroupRequirements {
  const document = parsePyprojectToml(text, path);
  const project = document["project"];
  const name =
    isTable(project) && typeof project["name"] === "string"
      ? PackageName.parse(project["name"])
      : undefined;
  return groupRequirements(document, path, selection, name, selection.cwd);
}

/** The requirements of the requested groups of a file, each with the group's condition. */
export interface GroupRequirements {
  /** Every group the file declares. */
  readonly declared: GroupName[];
  /** The requested ones it declares. */
  readonly requested: GroupName[];
  /** Their requirements, except those on the project itself. */
  readonly entries: { readonly requirement: Requirement; readonly condition: MarkerSet }[];
  /** The project's extras they name (`project[x]`), with the condition of the group. */
  readonly selfExtras: { readonly extra: ExtraName; readonly condition: MarkerSet }[];
}

function groupRequirements(
  document: Readonly<Record<string, unknown>>,
  path: string,
  selection: GroupSelection,
  project: PackageName | undefined,
  cwd: string,
): GroupRequirements {
  const wanted = selection.allGroups || selection.groups.length > 0;
  // The table is read only when a group is asked for: a broken one does not fail other uses.
  const groups = wanted ? DependencyGroups.read(document, path) : undefined;
  const declared = groups?.names() ?? [];
  const requested = selection.allGroups
    ? declared
    : selection.groups.filter((g, i) => declared.includes(g) && selection.groups.indexOf(g) === i);
  const entries: GroupRequirements["entries"][number][] = [];
  const selfExtras: GroupRequirements["selfExtras"][number][] = [];
  for (const group of requested) {
    const condition = inDependencyGroups(group);
    for (const requirement of groups!.requirements(group, cwd)) {
      if (requirement.name !== project) {
        entries.push({ requirement, condition });
        continue;
      }
      // The project itself (its base requirements are already in); its extras are expanded.
      for (const extra of requirement.extras) selfExtras.push({ extra, condition });
    }
  }
  return { declared, requested, entries, selfExtras };
}

/**
 * A `pyproject.toml` named only by `--group PATH:NAME`: the requested groups' requirements, not
 * the project's (its extras named by a group are not expanded: the project is not an input).
 */
function groupsOnlyProject(
  text: string,
  path: string,
  selection: GroupSelection,
  cwd: string,
): ProjectRequirements {
  const groups = pyprojectGroups(text, path, { ...selection, cwd });
  return {
    name: undefined,
    requirements: groups.entries.map((e) => e.requirement),
    conditions: new Map(groups.entries.map((e) => [e.requirement, e.condition] as const)),
    extras: [],
    requestedExtras: [],
    groups: groups.declared,
    requestedGroups: groups.requested,
  };
}

/** A requirement of a project, with its lock condition (`ProjectRequirements.conditions`). */
function projectRequirement(
  requirement: Requirement,
  origin: RequirementOrigin,
  condition: MarkerSet | undefined,
): SourcedRequirement {
  return {
    requirement,
    origin,
    editable: false,
    hashes: [],
    configSettings: new Map(),
    ...(condition === undefined
      ? {}
      : { lockMarker: condition.and(MarkerSet.from(requirement.marker)) }),
  };
}

function parsePyprojectToml(text: string, path: string): Record<string, unknown> {
  try {
    return parseToml(text);
  } catch (error) {
    throw new PuffinError("invalid-pyproject", `Failed to parse \`${path}\``, { cause: error });
  }
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function readText(path: string, shown: string): string {
  let bytes: Uint8Array | undefined;
  try {
    bytes = readFileUpToSync(path, REQUIREMENTS_FILE_LIMIT);
  } catch (error) {
    throw new PuffinError("project-file-unreadable", `Failed to read \`${shown}\``, {
      cause: error,
    });
  }
  if (bytes === undefined) throw requirementsTooLarge(shown);
  return utf8.decode(bytes);
}

const utf8 = new TextDecoder();

function pushNew<T>(target: T[], values: readonly T[]): void {
  for (const value of values) if (!target.includes(value)) target.push(value);
}

/**
 * Serves `-` from stdin (read once, at most `REQUIREMENTS_FILE_LIMIT` bytes of it: a pipe fed
 * forever is refused, not read until the memory runs out), everything else from the file system.
 */
function stdinReader(options: ReadSourcesOptions): RequirementsFileReader {
  const stdinPath = resolve(options.cwd, STDIN);
  let stdin: Promise<Uint8Array> | undefined;
  return {
    readFile: (path) => {
      if (path !== stdinPath || !options.requirements.includes(STDIN))
        return localFileReader.readFile(path);
      stdin ??= (async () => {
        const bytes = await readStreamUpTo(options.stdin(), REQUIREMENTS_FILE_LIMIT);
        if (bytes === undefined) throw requirementsTooLarge(STDIN);
        return bytes;
      })();
      return stdin;
    },
    exists: (path) => localFileReader.exists(path),
  };
}

/**
 * A requirements-file entry with its origin. The origin of a requirement is the file that holds
 * it (`-r` includes show as included); an override's is the `--override` file the user named.
 */
function sourced(entry: RequirementEntry, cwd: string, overrideFile?: string): SourcedRequirement {
  const requirement =
    entry.requirement.kind === "named"
      ? entry.requirement.requirement
      : nameUnnamed(entry.requirement.requirement, entry.source, cwd);
  return {
    requirement,
    origin: { kind: "file", path: overrideFile ?? entry.source.file },
    editable: entry.editable,
    hashes: entry.hashes,
    configSettings: entry.configSettings,
    location: entry.source,
  };
}

/**
 * Names the requirements `readRequirementSources` could not (`sources.unnamed`, a `setup.py`
 * project given by path) through the database (its build backend's metadata) and moves them to
 * `sources.requirements`.
 */
export async function nameUnnamedSources(
  sources: RequirementSources,
  database: DistributionDatabase,
  cwd: string,
): Promise<void> {
  const named = await Promise.all(
    sources.unnamed.map(async (pending): Promise<SourcedRequirement> => {
      const located = await database.locate(pending.unnamed.url, { editable: pending.editable });
      const { name } = await database.named(located);
      return {
        requirement: namedRequirement(pending.unnamed, name, cwd),
        origin: pending.origin,
        editable: pending.editable,
        hashes: pending.hashes,
        configSettings: pending.configSettings,
        location: pending.location,
      };
    }),
  );
  sources.requirements.push(...named);
  sources.unnamed.length = 0;
}

/**
 * Reads the requirements of `sources.projects` from their metadata (the build backend's:
 * `prepare_metadata_for_build_wheel`, or a build) and moves them to `sources.requirements`:
 * every `Requires-Dist` that applies to `environment` with the requested extras (all of the
 * project's with `allExtras`, and those the requested dependency groups name). For a universal
 * resolution (`environment` undefined), every one that applies somewhere, with its marker where
 * it applies (the extras part decided). Each carries its `lockMarker` when an extra is what
 * brings it. A requested extra that no source has is an error.
 */
export async function expandProjectSources(
  sources: RequirementSources,
  database: DistributionDatabase,
  options: {
    readonly environment: MarkerEnvironment | undefined;
    readonly extras: readonly ExtraName[];
    readonly allExtras: boolean;
    readonly cwd: string;
  },
): Promise<void> {
  const found = new Set<ExtraName>();
  for (const project of sources.projects) {
    const url = VerbatimUrl.parse(project.directory, options.cwd);
    const dist = await database.named(await database.locate(url));
    const metadata = await database.metadata(dist);
    if (metadata.requiresPython !== undefined) {
      sources.projectRequiresPython.push(metadata.requiresPython);
    }
    for (const extra of metadata.providesExtra) found.add(extra);
    const requested = (options.allExtras ? metadata.providesExtra : options.extras).filter((e) =>
      metadata.providesExtra.includes(e),
    );
    pushNew(sources.lockExtras, requested);
    // Where each extra is needed: with `'x' in extras` when requested, with a group that names it.
    const needed = new Map<ExtraName, MarkerSet>(requested.map((e) => [e, inExtras(e)]));
    for (const [extra, condition] of project.groupExtras ?? []) {
      needed.set(extra, (needed.get(extra) ?? MarkerSet.FALSE).or(condition));
    }
    const extras = [...needed.keys()];
    const origin: RequirementOrigin = { kind: "project", path: project.path, name: dist.name };
    for (const requirement of metadata.requiresDist) {
      if (requirement.name === dist.name) continue; // `project[extra]`: its extras are listed
      const applies = appliesWith(requirement, options.environment, extras);
      if (applies === false) continue;
      const lockMarker = lockMarkerOf(requirement, options.environment, needed);
      sources.requirements.push({
        requirement: requirement.withMarker(applies === true ? undefined : applies),
        origin,
        editable: false,
        hashes: [],
        configSettings: new Map(),
        ...(lockMarker === undefined ? {} : { lockMarker }),
      });
    }
  }
  if (sources.projects.length > 0) {
    for (const extra of options.extras) {
      if (!found.has(extra)) {
        throw new PuffinError("compile-extra-not-found", `Requested extra not found: ${extra}`);
      }
    }
  }
  sources.projects.length = 0;
}

/**
 * Whether a project's requirement applies with `extras` requested: in `environment`, true or
 * false; universally (`environment` undefined), the marker of where it does (or true/false).
 */
function appliesWith(
  requirement: Requirement,
  environment: MarkerEnvironment | undefined,
  extras: readonly ExtraName[],
): boolean | MarkerTree {
  const marker = requirement.marker;
  if (marker === undefined) return true;
  if (environment !== undefined) return marker.evaluate(environment, extras);
  const set = MarkerSet.from(marker);
  let where = set.withExtra(undefined);
  for (const extra of extras) where = where.or(set.withExtra(extra));
  if (where.isFalse()) return false;
  return where.toTree() ?? true;
}

/**
 * A project requirement's marker in a lock when some extra brings it (`undefined` when the
 * project's own requirements do): where it applies without extras, or with extra `x` and
 * `x`'s condition (`needed`). In `environment`, its other markers are decided already.
 */
function lockMarkerOf(
  requirement: Requirement,
  environment: MarkerEnvironment | undefined,
  needed: ReadonlyMap<ExtraName, MarkerSet>,
): MarkerSet | undefined {
  const marker = requirement.marker;
  if (marker === undefined) return undefined;
  if (environment !== undefined) {
    if (marker.evaluate(environment, [])) return undefined;
    let condition = MarkerSet.FALSE;
    for (const [extra, where] of needed) {
      if (marker.evaluate(environment, [extra])) condition = condition.or(where);
    }
    return condition;
  }
  const set = MarkerSet.from(marker);
  const base = set.withExtra(undefined);
  let where = base;
  let applies = base;
  for (const [extra, condition] of needed) {
    where = where.or(condition.and(set.withExtra(extra)));
    applies = applies.or(set.withExtra(extra));
  }
  return where.equals(applies) ? undefined : where;
}

/** `pip install` arguments: each read like a requirements-file line of the command line. */
function readCommandLine(options: ReadSourcesOptions, result: RequirementSources): void {
  const lines = [
    ...(options.packages ?? []).map((text) => ({ text, editable: false })),
    ...(options.editables ?? []).map((text) => ({ text, editable: true })),
  ];
  lines.forEach(({ text, editable }, index) => {
    const location = { file: "<command line>", line: index + 1 };
    const parsed = parseRequirementText(text, {
      workingDir: options.cwd,
      location,
      column: 1,
      editable,
    });
    const origin: RequirementOrigin = { kind: "file", path: location.file };
    if (parsed.kind === "named") {
      result.requirements.push({
        requirement: parsed.requirement,
        origin,
        editable,
        hashes: [],
        configSettings: new Map(),
        location,
      });
    } else if (staticName(parsed.requirement.url) === undefined) {
      result.unnamed.push({
        unnamed: parsed.requirement,
        location,
        origin,
        editable,
        hashes: [],
        configSettings: new Map(),
      });
    } else {
      result.requirements.push({
        requirement: nameUnnamed(parsed.requirement, location, options.cwd),
        origin,
        editable,
        hashes: [],
        configSettings: new Map(),
        location,
      });
    }
  });
}

/** A bare URL or path named by its filename or static project files (never a build). */
function nameUnnamed(
  unnamed: UnnamedRequirement,
  source: SourceLocation,
  cwd: string,
): Requirement {
  const name = staticName(unnamed.url);
  if (name === undefined) {
    const shown = redactCredentials(unnamed.url.given);
    throw new PuffinError(
      "unsupported-requirement",
      `Cannot tell the package name of \`${shown}\` (${source.file}:${source.line}) without building it, which constraints and overrides do not do`,
      { hint: `Name it: \`name @ ${shown}\`` },
    );
  }
  return namedRequirement(unnamed, name, cwd);
}

function namedRequirement(
  unnamed: UnnamedRequirement,
  name: PackageName,
  cwd: string,
): Requirement {
  const extras = unnamed.extras.length > 0 ? `[${unnamed.extras.join(",")}]` : "";
  const marker = unnamed.marker === undefined ? "" : ` ; ${unnamed.marker}`;
  return Requirement.parse(`${name}${extras} @ ${unnamed.url.given}${marker}`, {
    workingDirectory: cwd,
  });
}
