import { basename, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseToml } from "smol-toml";
import { SourceDistFilename, WheelFilename } from "../../filenames/index.ts";
import { ExtraName, isValidName, PackageName } from "../../normalize/index.ts";
import { Requirement, type VerbatimUrl } from "../../pep508/index.ts";
import {
  type Environment,
  localFileReader,
  parseRequirementsFile,
  REQUIREMENTS_FILE_LIMIT,
  type RequirementEntry,
  type RequirementsFileReader,
  requirementsTooLarge,
  type SelectionEntries,
  type SourceLocation,
  type UnnamedRequirement,
} from "../../requirements-txt/index.ts";
import {
  PuffinError,
  readFileUpToSync,
  readStreamUpTo,
  redactCredentials,
} from "../../support/index.ts";
import type { RequirementOrigin } from "./annotations.ts";

/**
 * The inputs of `puffin pip compile`: requirements files (`.in`, `.txt`, with their `-r`, `-c`,
 * `-e` and options), `pyproject.toml` files (`[project]` dependencies and the optional
 * dependencies of the requested extras) and `-` for stdin, plus `-c` constraint files and
 * `--override` files — read into requirements that remember where they came from.
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
}

export interface CompileSources {
  readonly requirements: SourcedRequirement[];
  /**
   * Requirements given as a bare URL or path whose name nothing static tells (a `setup.py`
   * project): `nameUnnamedSources` names them through a build backend and moves them into
   * `requirements`, once the command can build.
   */
  readonly unnamed: UnnamedSource[];
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
}

/** A requirements-file entry waiting for its name (see `CompileSources.unnamed`). */
export interface UnnamedSource {
  readonly unnamed: UnnamedRequirement;
  readonly location: SourceLocation;
  readonly origin: RequirementOrigin;
  readonly editable: boolean;
  readonly hashes: readonly string[];
  readonly configSettings: ReadonlyMap<string, string | readonly string[]>;
}

/** Asks a build backend for the name of what `url` holds (`editable`: given with `-e`). */
export type RequirementNamer = (url: VerbatimUrl, editable: boolean) => Promise<PackageName>;

export interface ReadSourcesOptions {
  readonly sources: readonly string[];
  readonly constraints: readonly string[];
  readonly overrides: readonly string[];
  /** `--extra`: optional dependencies of the `pyproject.toml` sources to include. */
  readonly extras: readonly ExtraName[];
  readonly allExtras: boolean;
  /** Relative paths (sources and requirements in them) are taken from here. */
  readonly cwd: string;
  /** For `${VAR}` in requirements files. */
  readonly env: Environment;
  /** Stdin's bytes as they come, read (with a bound on their size) when a source is `-`. */
  readonly stdin: () => AsyncIterable<Uint8Array | string>;
}

const STDIN = "-";

export async function readCompileSources(options: ReadSourcesOptions): Promise<CompileSources> {
  const result: CompileSources = {
    requirements: [],
    unnamed: [],
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
  };
  const mutable = result as { -readonly [K in keyof CompileSources]: CompileSources[K] };
  const reader = stdinReader(options);
  const wantsExtras = options.allExtras || options.extras.length > 0;
  const foundExtras = new Set<ExtraName>();
  let sawProject = false;

  for (const source of options.sources) {
    if (basename(source) === "pyproject.toml") {
      sawProject = true;
      const path = resolve(options.cwd, source);
      const project = pyprojectRequirements(readText(path, source), source, {
        extras: options.extras,
        allExtras: options.allExtras,
        cwd: options.cwd,
      });
      for (const extra of project.extras) foundExtras.add(extra);
      const origin: RequirementOrigin = { kind: "project", path: source, name: project.name };
      for (const requirement of project.requirements) {
        result.requirements.push({
          requirement,
          origin,
          editable: false,
          hashes: [],
          configSettings: new Map(),
        });
      }
      continue;
    }
    if (/^(setup\.py|setup\.cfg)$/.test(basename(source))) {
      throw new PuffinError(
        "compile-source-build",
        `Reading requirements from \`${source}\` needs a build of the project, which is not supported yet`,
        {
          hint: "List the requirements in `pyproject.toml` (`[project] dependencies`) or a requirements file",
        },
      );
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

  if (wantsExtras && !sawProject) {
    throw new PuffinError(
      "compile-extras-without-project",
      "Requesting extras requires a `pyproject.toml` source",
    );
  }
  for (const extra of options.extras) {
    if (!foundExtras.has(extra)) {
      throw new PuffinError("compile-extra-not-found", `Requested extra not found: ${extra}`);
    }
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

/** The project's requirements: `[project] dependencies` and the requested extras' ones. */
export interface ProjectRequirements {
  readonly name: PackageName;
  readonly requirements: Requirement[];
  /** Every extra the project declares. */
  readonly extras: readonly ExtraName[];
}

/**
 * Reads the static requirements of a `pyproject.toml` (PEP 621): `dependencies`, plus the
 * `optional-dependencies` of `extras` (all of them with `allExtras`). A requirement on the
 * project itself with extras (`project[test]`) stands for those extras' requirements, expanded
 * here. Dependencies listed as `dynamic` are only known after a build, which is refused with a
 * clear error. `path` is the file as the user named it, for messages.
 * https://packaging.python.org/en/latest/specifications/pyproject-toml/
 */
export function pyprojectRequirements(
  text: string,
  path: string,
  options: { extras: readonly ExtraName[]; allExtras: boolean; cwd: string },
): ProjectRequirements {
  let document: Record<string, unknown>;
  try {
    document = parseToml(text);
  } catch (error) {
    throw new PuffinError("pyproject-invalid", `Failed to parse \`${path}\``, { cause: error });
  }
  const project = document["project"];
  if (!isTable(project)) {
    throw new PuffinError("pyproject-no-project", `\`${path}\` has no \`[project]\` table`, {
      hint: "List the dependencies under `[project] dependencies` (PEP 621)",
    });
  }
  if (typeof project["name"] !== "string") {
    throw new PuffinError("pyproject-invalid", `\`${path}\`: \`project.name\` must be a string`);
  }
  const name = PackageName.parse(project["name"]);
  const dynamic = Array.isArray(project["dynamic"]) ? project["dynamic"] : [];
  const wantsExtras = options.allExtras || options.extras.length > 0;
  for (const field of ["dependencies", ...(wantsExtras ? ["optional-dependencies"] : [])]) {
    if (dynamic.includes(field)) {
      throw new PuffinError(
        "pyproject-dynamic",
        `\`${path}\` declares its \`${field}\` as dynamic: reading them needs a build of the project, which is not supported yet`,
        { hint: `List them statically under \`[project] ${field}\`` },
      );
    }
  }
  const parse = (value: unknown, field: string): Requirement[] => {
    if (value === undefined) return [];
    if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
      throw new PuffinError(
        "pyproject-invalid",
        `\`${path}\`: \`${field}\` must be a list of strings`,
      );
    }
    return value.map((entry: string) => {
      try {
        return Requirement.parse(entry, { workingDirectory: options.cwd });
      } catch (error) {
        throw new PuffinError(
          "pyproject-invalid",
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
      "pyproject-invalid",
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
  const requirements: Requirement[] = [];
  const expanded = new Set<ExtraName>();
  const add = (list: readonly Requirement[]) => {
    for (const requirement of list) {
      if (requirement.name !== name) {
        requirements.push(requirement);
        continue;
      }
      for (const extra of requirement.extras) expand(extra);
    }
  };
  const expand = (extra: ExtraName) => {
    if (expanded.has(extra)) return;
    expanded.add(extra);
    add(optional.get(extra) ?? []);
  };
  add(parse(project["dependencies"], "project.dependencies"));
  for (const extra of requested) expand(extra);
  return { name, requirements, extras: [...optional.keys()] };
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function readText(path: string, shown: string): string {
  let bytes: Uint8Array | undefined;
  try {
    bytes = readFileUpToSync(path, REQUIREMENTS_FILE_LIMIT);
  } catch (error) {
    throw new PuffinError("compile-source-read", `Failed to read \`${shown}\``, { cause: error });
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
      if (path !== stdinPath || !options.sources.includes(STDIN))
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
  };
}

/**
 * Names the requirements `readCompileSources` could not (`sources.unnamed`) with `name` (a
 * build backend's answer) and appends them to `sources.requirements`.
 */
export async function nameUnnamedSources(
  sources: CompileSources,
  name: RequirementNamer,
  cwd: string,
): Promise<void> {
  const named = await Promise.all(
    sources.unnamed.map(
      async (pending): Promise<SourcedRequirement> => ({
        requirement: await nameRequirement(pending.unnamed, pending.location, cwd, (url) =>
          name(url, pending.editable),
        ),
        origin: pending.origin,
        editable: pending.editable,
        hashes: pending.hashes,
        configSettings: pending.configSettings,
      }),
    ),
  );
  sources.requirements.push(...named);
  sources.unnamed.length = 0;
}

/**
 * The name of a requirement given as a bare URL or path, as uv finds it: from a wheel's or an
 * sdist's filename, a project directory's static `[project] name`, its `setup.cfg`'s literal
 * `[metadata] name`, or else `ask` (a build backend's metadata). Without `ask`, a name that
 * only a build tells is an error. `source` places the requirement for messages.
 */
export async function nameRequirement(
  unnamed: UnnamedRequirement,
  source: SourceLocation,
  cwd: string,
  ask?: (url: VerbatimUrl) => Promise<PackageName>,
): Promise<Requirement> {
  const { url } = unnamed;
  const name = staticName(url) ?? (await ask?.(url));
  if (name === undefined) {
    const shown = redactCredentials(url.given);
    throw new PuffinError(
      "compile-unnamed-requirement",
      `Cannot tell the package name of \`${shown}\` (${source.file}:${source.line}) without building it`,
      { hint: `Name it: \`name @ ${shown}\`` },
    );
  }
  return namedRequirement(unnamed, name, cwd);
}

/** `nameRequirement` without a build: the name must be static. */
function nameUnnamed(
  unnamed: UnnamedRequirement,
  source: SourceLocation,
  cwd: string,
): Requirement {
  const name = staticName(unnamed.url);
  if (name === undefined) {
    const shown = redactCredentials(unnamed.url.given);
    throw new PuffinError(
      "compile-unnamed-requirement",
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

/**
 * The name of what `url` holds, read without running Python: a wheel's or an sdist's
 * filename; for a local directory its static `pyproject.toml` `[project] name`, else its
 * `setup.cfg` `[metadata] name` when that is a literal.
 */
function staticName(url: VerbatimUrl): PackageName | undefined {
  const file = url.filename();
  const fromFile = WheelFilename.tryParse(file)?.name ?? SourceDistFilename.tryParse(file)?.name;
  if (fromFile !== undefined || url.url.protocol !== "file:" || url.given.startsWith("git+")) {
    return fromFile;
  }
  const directory = fileURLToPath(url.url);
  return (
    projectName(join(directory, "pyproject.toml")) ?? setupCfgName(join(directory, "setup.cfg"))
  );
}

/** The text of a project file, undefined when it does not exist (or is not a file). */
function readProjectFile(path: string): string | undefined {
  let bytes: Uint8Array | undefined;
  try {
    bytes = readFileUpToSync(path, REQUIREMENTS_FILE_LIMIT);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR") return undefined;
    throw new PuffinError("compile-source-read", `Failed to read \`${path}\``, { cause: error });
  }
  if (bytes === undefined) throw requirementsTooLarge(path);
  return utf8.decode(bytes);
}

/** The static `[project] name` of a project directory's `pyproject.toml`, when there is one. */
function projectName(pyproject: string): PackageName | undefined {
  const text = readProjectFile(pyproject);
  if (text === undefined) return undefined;
  const document = parseToml(text);
  const project = document["project"];
  return isTable(project) && typeof project["name"] === "string"
    ? PackageName.parse(project["name"])
    : undefined;
}

/**
 * setuptools' `setup.cfg` `[metadata] name`, when it is a literal (no `attr:` / `file:`
 * directive, no `%(…)s` interpolation), read as `configparser` reads it: keys are
 * case-insensitive and `=` or `:` separates the value.
 * https://setuptools.pypa.io/en/latest/userguide/declarative_config.html
 */
function setupCfgName(path: string): PackageName | undefined {
  const text = readProjectFile(path);
  if (text === undefined) return undefined;
  let section: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    const header = /^\[([^\]]+)\]\s*$/.exec(line);
    if (header !== null) {
      section = header[1]!.trim();
      continue;
    }
    if (section !== "metadata") continue;
    const entry = /^name\s*[=:]\s*(.*?)\s*$/i.exec(line);
    if (entry === null) continue;
    const value = entry[1]!;
    // Not a literal (or not a valid name): the backend tells.
    if (/^(attr|file):/.test(value) || value.includes("%(") || !isValidName(value))
      return undefined;
    return PackageName.parse(value);
  }
  return undefined;
}
