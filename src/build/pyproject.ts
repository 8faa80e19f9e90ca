import { readFile } from "node:fs/promises";
import { isAbsolute, join, relative, resolve } from "node:path";
import { parse as parseToml } from "smol-toml";
import { Requirement } from "../pep508/index.ts";
import { PuffinError } from "../support/index.ts";

/**
 * What a source tree's `pyproject.toml` says about building it: the `[build-system]` table
 * (PEP 518, PEP 517) and the `[project]` table (PEP 621) when it has one.
 */
export interface PyprojectToml {
  readonly buildSystem: BuildSystem;
  /** `[project]`, when present (read lazily into metadata by `staticMetadata`). */
  readonly project: Readonly<Record<string, unknown>> | undefined;
}

export interface BuildSystem {
  /** `requires`: installed before any hook runs. */
  readonly requires: readonly Requirement[];
  /** `build-backend`: `module.path` or `module.path:object.path`. */
  readonly backend: string;
  /** `backend-path`, made absolute (each inside the source tree). */
  readonly backendPath: readonly string[];
}

/**
 * The build system of a project without `pyproject.toml` or without `[build-system]`: the
 * setuptools legacy backend (it runs `setup.py`), with the requirements pip and uv use.
 * https://peps.python.org/pep-0517/#source-trees
 */
export const LEGACY_BACKEND = "setuptools.build_meta:__legacy__";
export const LEGACY_REQUIRES = ["setuptools>=40.8.0", "wheel"] as const;

const BACKEND_PATTERN = /^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*(:[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*)?$/;

/** Reads `<sourceTree>/pyproject.toml`; a missing file means the legacy build system. */
export async function readPyproject(sourceTree: string): Promise<PyprojectToml> {
  const path = join(sourceTree, "pyproject.toml");
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    return { buildSystem: legacyBuildSystem(), project: undefined };
  }
  return parsePyproject(text, path, sourceTree);
}

/** Parses pyproject.toml text; `path` names it in errors, `sourceTree` anchors `backend-path`. */
export function parsePyproject(text: string, path: string, sourceTree: string): PyprojectToml {
  let document: Record<string, unknown>;
  try {
    document = parseToml(text) as Record<string, unknown>;
  } catch (error) {
    throw invalid(path, "it is not valid TOML", error);
  }
  const project = table(document["project"], path, "[project]");
  const buildSystem = table(document["build-system"], path, "[build-system]");
  if (buildSystem === undefined) return { buildSystem: legacyBuildSystem(), project };

  // PEP 518: a [build-system] table must list its requirements.
  const requires = buildSystem["requires"];
  if (!Array.isArray(requires) || !requires.every((r) => typeof r === "string")) {
    throw invalid(path, "`[build-system] requires` must be a list of strings");
  }
  const requirements = requires.map((text: string) => {
    try {
      return Requirement.parse(text);
    } catch (error) {
      throw invalid(
        path,
        `\`[build-system] requires\` has an invalid requirement ${JSON.stringify(text)}`,
        error,
      );
    }
  });

  // PEP 517: without `build-backend`, frontends fall back to the setuptools legacy backend.
  const backend = buildSystem["build-backend"] ?? LEGACY_BACKEND;
  if (typeof backend !== "string" || !BACKEND_PATTERN.test(backend.replace(/\s/g, ""))) {
    throw invalid(
      path,
      `\`[build-system] build-backend\` ${JSON.stringify(backend)} is not \`module\` or \`module:object\``,
    );
  }

  const backendPathValue = buildSystem["backend-path"] ?? [];
  if (!Array.isArray(backendPathValue) || !backendPathValue.every((p) => typeof p === "string")) {
    throw invalid(path, "`[build-system] backend-path` must be a list of strings");
  }
  const root = resolve(sourceTree);
  const backendPath = backendPathValue.map((entry: string) => {
    const absolute = resolve(root, entry);
    const inside = relative(root, absolute);
    if (isAbsolute(entry) || inside === ".." || inside.startsWith("../")) {
      // PEP 517: backend-path entries must not refer outside the source tree.
      throw invalid(
        path,
        `\`[build-system] backend-path\` entry ${JSON.stringify(entry)} is outside the source tree`,
      );
    }
    return absolute;
  });

  return {
    buildSystem: { requires: requirements, backend: backend.replace(/\s/g, ""), backendPath },
    project,
  };
}

function legacyBuildSystem(): BuildSystem {
  return {
    requires: LEGACY_REQUIRES.map((text) => Requirement.parse(text)),
    backend: LEGACY_BACKEND,
    backendPath: [],
  };
}

function table(
  value: unknown,
  path: string,
  name: string,
): Readonly<Record<string, unknown>> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalid(path, `${name} must be a table`);
  }
  return value as Record<string, unknown>;
}

export function invalid(path: string, reason: string, cause?: unknown): PuffinError {
  return new PuffinError("invalid-pyproject", `Invalid ${path}: ${reason}`, {
    ...(cause === undefined ? {} : { cause }),
  });
}
