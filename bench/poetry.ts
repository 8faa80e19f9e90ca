// poetry as a benchmark peer. poetry has no requirements-file mode: it resolves and installs its
// own project (`pyproject.toml` → `poetry.lock` → environment). So each set becomes a poetry
// project whose dependencies are the set's requirements, translated exactly from PEP 508 into
// poetry's dependency tables, with the offline index (served over loopback HTTP: poetry 1.3's
// HTTP client has no `file://` adapter) as its only sources.
//
// poetry is configured through environment variables only (a fresh config and data directory,
// its cache, in-project virtualenvs), so it never reads or writes the user's configuration.

import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import type { VersionSpecifier, VersionSpecifiers } from "../src/pep440/index.ts";
import type { Requirement } from "../src/pep508/index.ts";
import { parseRequirementsFile } from "../src/requirements-txt/index.ts";
import type { TimedCommand } from "./measure.ts";

/** One dependency of a poetry project: `name = "constraint"` or `name = { … }`. */
export interface PoetryDependency {
  /** The normalized project name (the key under `[tool.poetry.dependencies]`). */
  readonly name: string;
  /** poetry's constraint syntax; absent for a URL dependency. */
  readonly version?: string;
  readonly extras?: readonly string[];
  /** A PEP 508 marker expression, which poetry parses itself. */
  readonly markers?: string;
  readonly url?: string;
}

/**
 * The poetry form of a PEP 508 requirement, exactly, or an error saying what poetry would
 * read differently.
 *
 * poetry-core 1.4 (`parse_constraint`) reads `==`, `!=`, `>=`, `<`, `~=` and `==X.*` with the
 * PEP 440 meaning on every final and post-release, but its ranges differ from PEP 440 at
 * pre-/dev-release boundaries (`<2` admits `2.0.dev0`, `!=2` rejects `2.0rc1`, `==1.2.*` rejects
 * `1.2.0rc1`); those operators are refused where the requirement opts into pre-releases (a
 * pre-release in one of its specifiers), the only case where either tool would pick one.
 * Refused always: `===` (poetry has no arbitrary equality), `>V` and `<=V` unless V is a
 * post-release (poetry lets `>1.0` and `<=1.0` match `1.0.post1`, PEP 440 does not), `~=` with
 * four or more release numbers (poetry bounds `~=1.2.3.4` by `<1.3`, PEP 440 by `<1.2.4`),
 * wildcards below the second release number or with an epoch (poetry's pattern drops them),
 * local versions, `extra` markers (a project's own dependency has no extra to match), and URLs
 * other than `http(s)://` archives.
 */
export function poetryDependency(requirement: Requirement): PoetryDependency {
  const fail = (reason: string): never => {
    throw new Error(`cannot translate \`${requirement}\` for poetry: ${reason}`);
  };
  const marker = requirement.marker;
  if (marker?.variables().has("extra")) fail("an `extra` marker never holds in a project");
  const dependency: { -readonly [K in keyof PoetryDependency]: PoetryDependency[K] } = {
    name: requirement.name,
  };
  if (requirement.version.kind === "url") {
    const url = requirement.version.url.given;
    if (!/^https?:\/\//i.test(url)) {
      fail("poetry's `url =` takes only http(s) archives (git and paths have their own keys)");
    }
    dependency.url = url;
  } else {
    dependency.version = poetryConstraint(requirement.version.specifiers, fail);
  }
  if (requirement.extras.length > 0) dependency.extras = [...requirement.extras];
  if (marker !== undefined) dependency.markers = marker.toString();
  return dependency;
}

/** `specifiers` in poetry's syntax (comma-separated, each as PEP 440 writes it); `*` if none. */
function poetryConstraint(specifiers: VersionSpecifiers, fail: (reason: string) => never): string {
  const all = specifiers.specifiers;
  if (all.length === 0) return "*";
  const prereleases = all.some((specifier) => specifier.version.isPrerelease());
  return all.map((specifier) => poetrySpecifier(specifier, prereleases, fail)).join(",");
}

function poetrySpecifier(
  specifier: VersionSpecifier,
  prereleases: boolean,
  fail: (reason: string) => never,
): string {
  const { operator, version, wildcard } = specifier;
  const text = `${operator}${version}${wildcard ? ".*" : ""}`;
  if (version.local.length > 0) fail(`\`${text}\`: poetry compares local versions differently`);
  const boundary = () => {
    if (prereleases) {
      fail(`\`${text}\`: poetry's range differs from PEP 440 on pre-releases, which this allows`);
    }
  };
  switch (operator) {
    case "===":
      return fail("poetry has no arbitrary equality (`===`)");
    case ">=":
      return text;
    case ">":
    case "<=":
      if (!version.isPostrelease()) {
        fail(`\`${text}\`: poetry's \`${operator}\` also matches post-releases of ${version}`);
      }
      return text;
    case "<":
      if (!version.isPrerelease() && !version.isPostrelease()) boundary();
      return text;
    case "~=":
      if (version.release.length > 3) {
        fail(`\`${text}\`: poetry bounds \`~=\` by the next minor, PEP 440 by the next patch`);
      }
      boundary();
      return text;
    case "==":
    case "!=":
      if (!wildcard) {
        if (operator === "!=") boundary();
        return text;
      }
      if (version.release.length > 2 || version.epoch !== 0) {
        fail(`\`${text}\`: poetry reads only a major or major.minor prefix without an epoch`);
      }
      boundary();
      return text;
  }
}

/** One TOML value: a basic string (JSON's escapes are TOML's), or an array of them. */
const tomlValue = (value: string | readonly string[]): string =>
  typeof value === "string" ? JSON.stringify(value) : `[${value.map(tomlValue).join(", ")}]`;

/** `name = …` under `[tool.poetry.dependencies]`: a string when only a version is given. */
function dependencyLine(dependency: PoetryDependency): string {
  const { name, ...fields } = dependency;
  const entries = Object.entries(fields) as [string, string | readonly string[]][];
  if (entries.length === 1 && fields.version !== undefined) {
    return `${tomlValue(name)} = ${tomlValue(fields.version)}`;
  }
  const table = entries.map(([key, value]) => `${key} = ${tomlValue(value)}`).join(", ");
  return `${tomlValue(name)} = { ${table} }`;
}

/**
 * A poetry 1.3 project for one set. `packages = []` and `poetry install --no-root` keep poetry
 * from looking for a package of the project's own. The first index is the default source (it
 * replaces PyPI); the others are secondary (consulted after it), as pip's extra index URLs.
 */
export function poetryPyproject(options: {
  readonly set: string;
  readonly python: string;
  readonly dependencies: readonly PoetryDependency[];
  readonly indexes: readonly string[];
}): string {
  const seen = new Set<string>();
  for (const { name } of options.dependencies) {
    if (seen.has(name)) throw new Error(`${name} is required twice; poetry takes one entry`);
    seen.add(name);
  }
  const sources = options.indexes.map((url, i) =>
    [
      "[[tool.poetry.source]]",
      `name = ${tomlValue(`offline-${i + 1}`)}`,
      `url = ${tomlValue(url)}`,
      i === 0 ? "default = true" : "secondary = true",
    ].join("\n"),
  );
  return [
    "[tool.poetry]",
    `name = ${tomlValue(`puffin-bench-${options.set}`)}`,
    'version = "0.0.0"',
    `description = ${tomlValue(`The benchmark set ${options.set}, translated for poetry`)}`,
    'authors = ["Puffin benchmark <bench@example.invalid>"]',
    "packages = []",
    "",
    "[tool.poetry.dependencies]",
    `python = ${tomlValue(options.python)}`,
    ...options.dependencies.map(dependencyLine),
    "",
    ...sources.map((source) => `${source}\n`),
  ].join("\n");
}

/** The requirements of a set file, each translated; throws naming the file and the line. */
export async function setDependencies(path: string): Promise<PoetryDependency[]> {
  const file = await parseRequirementsFile(path, { env: {} });
  if (file.editables.length > 0 || file.constraints.length > 0) {
    throw new Error(`${path}: editables and constraints have no poetry translation here`);
  }
  return file.requirements.map(({ requirement, source }) => {
    if (requirement.kind !== "named") {
      throw new Error(`${path}:${source.line}: an unnamed requirement has no poetry translation`);
    }
    return poetryDependency(requirement.requirement);
  });
}

/**
 * How poetry is run. `/usr/bin/poetry` is a Python script; the harness runs its interpreter with
 * `LAUNCHER` instead, which is poetry's own entry point after one fix to pkginfo (below).
 */
export interface Poetry {
  /** `poetry X.Y.Z`, from `poetry --version`. */
  readonly tool: string;
  /** The interpreter of the `poetry` script on PATH. */
  readonly interpreter: string;
}

/**
 * poetry 1.3 reads a wheel's METADATA through pkginfo; Debian bookworm's pkginfo 1.8.2 knows
 * Metadata-Version up to 2.2 and for 2.3 and 2.4 (what current build backends write: flask
 * 3.1, requests 2.34) silently returns no `Requires-Dist`, so `poetry lock` drops every
 * transitive dependency. 2.3 and 2.4 only add license fields to 2.2, and later pkginfo releases
 * (1.10, 1.12) read them with 2.2's fields, which is what this does before starting poetry.
 */
const LAUNCHER = `
import sys
import pkginfo.distribution as distribution
for version in ("2.3", "2.4"):
    distribution.HEADER_ATTRS.setdefault(version, distribution.HEADER_ATTRS["2.2"])
from poetry.console.application import main
sys.exit(main())
`;

/** poetry on PATH, or why it cannot be a peer. */
export function findPoetry(): Poetry | string {
  const script = (process.env["PATH"] ?? "")
    .split(delimiter)
    .map((dir) => join(dir, "poetry"))
    .find((path) => existsSync(path));
  if (script === undefined) return "poetry: not installed (no `poetry` on PATH)";
  const shebang = /^#!\s*(\S+)/.exec(readFileSync(script, "utf8").split("\n", 1)[0]!);
  if (shebang === null) return `poetry: ${script} is not a Python script`;
  const interpreter = shebang[1]!;
  const version = spawnSync(interpreter, ["-c", LAUNCHER, "--version"], { encoding: "utf8" });
  const match = /version ([^)\s]+)/.exec(version.stdout);
  if (version.status !== 0 || match === null) {
    return `poetry: ${script} --version failed: ${version.stderr.trim().split("\n").at(-1)}`;
  }
  return { tool: `poetry ${match[1]}`, interpreter };
}

/**
 * The environment poetry runs with: the caller's, without any POETRY_* setting or active
 * virtualenv, plus a private config and data directory, `cache`, in-project virtualenvs (which
 * the harness creates, untimed, as for pip), no prompts, and no keyring (poetry 1.3 asks the
 * keyring for every source's credentials; over D-Bus that can wait seconds).
 */
export function poetryEnv(state: string, cache: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith("POETRY_") && key !== "VIRTUAL_ENV") env[key] = value;
  }
  return {
    ...env,
    POETRY_CONFIG_DIR: join(state, "config"),
    POETRY_DATA_DIR: join(state, "data"),
    POETRY_CACHE_DIR: cache,
    POETRY_VIRTUALENVS_IN_PROJECT: "true",
    POETRY_VIRTUALENVS_OPTIONS_NO_PIP: "true",
    POETRY_VIRTUALENVS_OPTIONS_NO_SETUPTOOLS: "true",
    POETRY_NO_INTERACTION: "1",
    PYTHON_KEYRING_BACKEND: "keyring.backends.null.Keyring",
  };
}

/** `poetry ARGS…` for the project in `project`, with its cache at `cache`. */
export function poetryCommand(
  poetry: Poetry,
  project: string,
  cache: string,
  args: readonly string[],
): TimedCommand {
  return {
    command: poetry.interpreter,
    args: ["-c", LAUNCHER, "--no-ansi", "--directory", project, ...args],
    env: poetryEnv(join(project, ".poetry-state"), cache),
  };
}
