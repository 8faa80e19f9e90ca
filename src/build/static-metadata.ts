import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { ExtraName } from "../normalize/index.ts";
import { Requirement } from "../pep508/index.ts";
import { isStaticForResolution, parseCoreMetadata } from "../pypi-types/index.ts";
import { invalid, type PyprojectToml } from "./pyproject.ts";

/** `[project]` fields that, when `dynamic`, only a build can tell. */
const NEEDED_STATIC = ["version", "dependencies", "optional-dependencies", "requires-python"];

/**
 * Core metadata a resolver can use without running the build backend, as uv does, or
 * undefined when only a build can tell:
 *
 * 1. `PKG-INFO` (an sdist's) of Metadata-Version 2.2 or later whose `Requires-Dist`,
 *    `Requires-Python` and `Provides-Extra` are not `Dynamic` (PEP 643: then the built wheel's
 *    METADATA must agree).
 * 2. `pyproject.toml`'s `[project]` with `name` and `version`, and none of `version`,
 *    `dependencies`, `optional-dependencies`, `requires-python` in `dynamic` (PEP 621: a
 *    backend must not change a field that is not dynamic).
 *
 * The result is METADATA text (the cache stores it as the sdist's metadata file).
 */
export async function readStaticMetadata(
  sourceTree: string,
  pyproject: PyprojectToml,
): Promise<string | undefined> {
  const pkgInfo = await readFile(join(sourceTree, "PKG-INFO"), "utf8").catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return undefined;
      throw error;
    },
  );
  if (pkgInfo !== undefined) {
    try {
      if (isStaticForResolution(parseCoreMetadata(pkgInfo))) return pkgInfo;
    } catch {
      // A PKG-INFO Puffin cannot read is no reason to fail: the build writes METADATA anew.
    }
  }
  if (pyproject.project === undefined) return undefined;
  return metadataFromProject(pyproject.project, join(sourceTree, "pyproject.toml"));
}

/** Core metadata text from a PEP 621 `[project]` table, or undefined if it is dynamic. */
export function metadataFromProject(
  project: Readonly<Record<string, unknown>>,
  path: string,
): string | undefined {
  const dynamic = project["dynamic"] ?? [];
  if (!Array.isArray(dynamic)) throw invalid(path, "`[project] dynamic` must be a list");
  if (NEEDED_STATIC.some((field) => dynamic.includes(field))) return undefined;
  const { name, version } = project;
  if (typeof name !== "string" || typeof version !== "string") return undefined;

  const lines = ["Metadata-Version: 2.3", `Name: ${name}`, `Version: ${version}`];
  const requiresPython = project["requires-python"];
  if (requiresPython !== undefined) {
    if (typeof requiresPython !== "string") {
      throw invalid(path, "`[project] requires-python` must be a string");
    }
    lines.push(`Requires-Python: ${requiresPython}`);
  }
  for (const requirement of requirementList(project["dependencies"], path, "dependencies")) {
    lines.push(`Requires-Dist: ${requirement}`);
  }
  const optional = project["optional-dependencies"] ?? {};
  if (typeof optional !== "object" || optional === null || Array.isArray(optional)) {
    throw invalid(path, "`[project] optional-dependencies` must be a table");
  }
  for (const [extraText, list] of Object.entries(optional)) {
    const extra = parseExtra(extraText, path);
    lines.push(`Provides-Extra: ${extra}`);
    const where = `optional-dependencies.${extraText}`;
    for (const requirement of requirementList(list, path, where)) {
      lines.push(`Requires-Dist: ${withExtra(requirement, extra)}`);
    }
  }
  const text = `${lines.join("\n")}\n`;
  try {
    parseCoreMetadata(text);
  } catch (error) {
    throw invalid(path, "its `[project]` table does not make valid metadata", error);
  }
  return text;
}

function requirementList(value: unknown, path: string, where: string): Requirement[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
    throw invalid(path, `\`[project] ${where}\` must be a list of strings`);
  }
  return value.map((text: string) => {
    try {
      return Requirement.parse(text);
    } catch (error) {
      throw invalid(
        path,
        `\`[project] ${where}\` has an invalid requirement ${JSON.stringify(text)}`,
        error,
      );
    }
  });
}

function parseExtra(text: string, path: string): ExtraName {
  try {
    return ExtraName.parse(text);
  } catch (error) {
    throw invalid(path, `${JSON.stringify(text)} is not a valid extra name`, error);
  }
}

/** The requirement restricted to `extra`, its own marker kept: `r; (marker) and extra == "e"`. */
function withExtra(requirement: Requirement, extra: ExtraName): string {
  const text = requirement.toString();
  if (requirement.marker === undefined) return `${text}; extra == "${extra}"`;
  const base = text.slice(0, text.length - `; ${requirement.marker}`.length).trimEnd();
  const separator = requirement.version.kind === "url" ? " ; " : "; ";
  return `${base}${separator}(${requirement.marker}) and extra == "${extra}"`;
}
