import { accessSync, constants, readdirSync, readFileSync, statSync } from "node:fs";
import { delimiter, dirname, join, resolve } from "node:path";
import type { Cache } from "../cache/index.ts";
import { Version } from "../pep440/index.ts";
import { errorChain, log, PuffinError } from "../support/index.ts";
import type { Interpreter } from "./interpreter.ts";
import type { ProcessRunner } from "./probe.ts";
import { type QueryOptions, queryInterpreter } from "./probe-cache.ts";
import {
  describeRequest,
  type PythonRequest,
  parsePythonRequest,
  versionMatches,
} from "./python-request.ts";

/**
 * Finding the Python a command acts on (POSIX layouts: `bin/python`). Every candidate is
 * described through the interpreter cache, so a warm run starts no Python.
 */
export interface DiscoveryOptions {
  /** `--python`, when given. */
  python: string | undefined;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** The cache; `undefined` probes every candidate. */
  cache: Cache | undefined;
  runner?: ProcessRunner;
  /** How long each probe may take (see `probeInterpreter`); default 20 s. */
  probeTimeoutMs?: number | undefined;
}

/**
 * The interpreter a new virtual environment is made from: `--python` when given, otherwise the
 * first `python3` or `python` on PATH that works.
 */
export async function findBaseInterpreter(options: DiscoveryOptions): Promise<Interpreter> {
  if (options.python !== undefined) return findRequested(options.python, options);
  const search = new Search(options);
  for (const candidate of pathCandidates(["python3", "python"], options.env, options.cwd)) {
    const interpreter = await search.probe(candidate);
    if (interpreter !== undefined) return interpreter;
  }
  throw search.failure("No Python interpreter found: neither `python3` nor `python` on PATH works");
}

/**
 * The interpreter of the environment a command acts on: `--python`, then the active virtual
 * environment (`VIRTUAL_ENV`), then an active conda environment (`CONDA_PREFIX`), then a `.venv`
 * in the current directory or one of its parents.
 */
export async function findEnvironmentInterpreter(options: DiscoveryOptions): Promise<Interpreter> {
  if (options.python !== undefined) return findRequested(options.python, options);
  const query = (executable: string) => queryInterpreter(executable, queryOptions(options));
  for (const variable of ["VIRTUAL_ENV", "CONDA_PREFIX"]) {
    const prefix = options.env[variable];
    if (prefix) {
      log.debug(`Using the environment in ${variable}: ${prefix}`);
      return query(environmentPython(resolve(options.cwd, prefix)));
    }
  }
  for (let directory = resolve(options.cwd); ; directory = dirname(directory)) {
    const venv = join(directory, ".venv");
    if (isFile(join(venv, "pyvenv.cfg"))) return query(environmentPython(venv));
    if (dirname(directory) === directory) break;
  }
  throw new PuffinError(
    "no-environment",
    "No virtual environment found: `VIRTUAL_ENV` and `CONDA_PREFIX` are unset and there is no `.venv` in the current directory or its parents",
    { hint: "create one with `puffin venv`, or pick an interpreter with `--python`" },
  );
}

function queryOptions(options: DiscoveryOptions): QueryOptions {
  return {
    cache: options.cache,
    runner: options.runner,
    probeTimeoutMs: options.probeTimeoutMs,
  };
}

/** The interpreter of an environment directory (a venv or a conda environment). */
function environmentPython(prefix: string): string {
  return join(prefix, "bin", "python");
}

async function findRequested(text: string, options: DiscoveryOptions): Promise<Interpreter> {
  const request = parsePythonRequest(text, options.env["HOME"]);
  const search = new Search(options);
  switch (request.kind) {
    case "path": {
      const path = resolve(options.cwd, request.path);
      const executable = isDirectory(path) ? environmentPython(path) : path;
      return queryInterpreter(executable, queryOptions(options));
    }
    case "executable-name": {
      for (const candidate of pathCandidates([request.name], options.env, options.cwd)) {
        const interpreter = await search.probe(candidate);
        if (interpreter !== undefined) return interpreter;
      }
      throw search.failure(`No working \`${request.name}\` found on PATH`);
    }
    case "version": {
      const candidates = function* () {
        yield* pathCandidates(versionedNames(request), options.env, options.cwd);
        yield* pyenvCandidates(request, options.env);
      };
      for (const candidate of candidates()) {
        const interpreter = await search.probe(candidate, (found) =>
          versionMatches(request, found.version),
        );
        if (interpreter !== undefined) return interpreter;
      }
      throw search.failure(
        `No interpreter found for ${describeRequest(request)} on PATH or in pyenv's versions`,
      );
    }
  }
}

/** `python3.12`, `python3`, `python` for `3.12`; `python3`, `python` otherwise. */
function versionedNames(request: Extract<PythonRequest, { kind: "version" }>): string[] {
  const minor = /^(\d+)\.(\d+)/.exec(request.text);
  const names = minor === null ? [] : [`python${minor[1]}.${minor[2]}`];
  return [...names, "python3", "python"];
}

/**
 * Probes candidates in order, remembering what it found and why others failed, so that the
 * final error can list them.
 */
class Search {
  readonly #seen = new Set<string>();
  readonly #found: string[] = [];
  readonly #failed: string[] = [];

  constructor(private readonly options: DiscoveryOptions) {}

  async probe(
    candidate: string,
    accept: (interpreter: Interpreter) => boolean = () => true,
  ): Promise<Interpreter | undefined> {
    if (this.#seen.has(candidate)) return undefined;
    this.#seen.add(candidate);
    let interpreter: Interpreter;
    try {
      interpreter = await queryInterpreter(candidate, queryOptions(this.options));
    } catch (error) {
      const reason = errorChain(error).join(": ");
      log.debug(`Skipping ${candidate}: ${reason}`);
      this.#failed.push(`${candidate} (${reason.split("\n")[0]})`);
      return undefined;
    }
    if (accept(interpreter)) return interpreter;
    this.#found.push(`${interpreter.version} at ${candidate}`);
    return undefined;
  }

  failure(message: string): PuffinError {
    const lines: string[] = [];
    if (this.#found.length > 0) lines.push(`found: ${this.#found.join(", ")}`);
    if (this.#failed.length > 0) lines.push(`not working: ${this.#failed.join("; ")}`);
    if (lines.length === 0) lines.push("no Python executables were found");
    return new PuffinError("interpreter-not-found", message, { hint: lines.join("\n") });
  }
}

/**
 * Executables named `names` in the PATH directories, in PATH order (each directory tried for
 * every name before the next directory). A pyenv shim is replaced by the interpreter it would
 * run (see `resolvePyenvShim`), so no shell is started and the interpreter cache applies.
 * Lazily: the search usually ends at the first candidate, and the rest of PATH is not read.
 */
function* pathCandidates(
  names: readonly string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): Generator<string> {
  const pyenv = pyenvRoot(env);
  const shims = pyenv === undefined ? undefined : join(pyenv, "shims");
  for (const directory of (env["PATH"] ?? "").split(delimiter)) {
    if (directory === "") continue;
    for (const name of names) {
      const path = join(resolve(cwd, directory), name);
      if (!isExecutable(path)) continue;
      if (pyenv !== undefined && dirname(path) === shims) {
        const target = resolvePyenvShim(pyenv, name, env, cwd);
        if (target !== undefined) yield target;
      } else {
        yield path;
      }
    }
  }
}

/** `PYENV_ROOT`, else `~/.pyenv` when it exists. */
function pyenvRoot(env: NodeJS.ProcessEnv): string | undefined {
  const root = env["PYENV_ROOT"] || (env["HOME"] ? join(env["HOME"], ".pyenv") : undefined);
  return root !== undefined && isDirectory(root) ? root : undefined;
}

/**
 * The executable a pyenv shim named `name` would run, following pyenv's own version selection
 * (`pyenv version-name`): `PYENV_VERSION`, else the nearest `.python-version` from `cwd` up,
 * else `$PYENV_ROOT/version`; each may list several versions, the first that provides `name`
 * wins. `system` (or no providing version) yields `undefined`: the shim would defer to the
 * next PATH entry, which the PATH search reaches anyway.
 */
function resolvePyenvShim(
  root: string,
  name: string,
  env: NodeJS.ProcessEnv,
  cwd: string,
): string | undefined {
  const selected = env["PYENV_VERSION"]
    ? env["PYENV_VERSION"].split(":")
    : readVersionFile(nearestVersionFile(cwd) ?? join(root, "version"));
  for (const version of selected) {
    if (version === "system") return undefined;
    const executable = join(root, "versions", version, "bin", name);
    if (isExecutable(executable)) return executable;
  }
  return undefined;
}

function nearestVersionFile(cwd: string): string | undefined {
  for (let directory = resolve(cwd); ; directory = dirname(directory)) {
    const file = join(directory, ".python-version");
    if (isFile(file)) return file;
    if (dirname(directory) === directory) return undefined;
  }
}

function readVersionFile(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return [];
  }
  return text
    .split(/\s+/)
    .filter((word) => word !== "" && !word.startsWith("#"))
    .map((word) => word.replace(/^python-/, ""));
}

/**
 * `$PYENV_ROOT/versions/<name>/bin/python` whose directory name is a version matching the request,
 * newest first. The name is only a pre-filter; the probe confirms the version.
 */
function pyenvCandidates(
  request: Extract<PythonRequest, { kind: "version" }>,
  env: NodeJS.ProcessEnv,
): string[] {
  const root = pyenvRoot(env);
  if (root === undefined) return [];
  let names: string[];
  try {
    names = readdirSync(join(root, "versions"));
  } catch {
    return [];
  }
  const versions: [Version, string][] = [];
  for (const name of names) {
    if (!versionMatches(request, name)) continue;
    const executable = join(root, "versions", name, "bin", "python");
    if (isExecutable(executable)) versions.push([Version.parse(name), executable]);
  }
  versions.sort(([a], [b]) => b.compare(a));
  return versions.map(([, executable]) => executable);
}

// The checks below run for every PATH directory: a missing path answers `undefined` instead of
// throwing (`throwIfNoEntry`), since building an exception costs more than the `stat` itself.

function isExecutable(path: string): boolean {
  if (!isFile(path)) return false;
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isFile() === true;
  } catch {
    return false;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
  } catch {
    return false;
  }
}
