// Builds source distributions for tests: `{name}-{version}.tar.gz` (PEP 625 naming) with one
// top-level `{name}-{version}/` directory holding PKG-INFO (Metadata-Version 2.4), a
// pyproject.toml and the sources. By default the project builds with setuptools
// (`setuptools.build_meta`) from a single package `<name>/__init__.py`.
// https://packaging.python.org/en/latest/specifications/source-distribution-format/
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Version } from "../../src/pep440/index.ts";
import { type TarEntry, writeTarGz } from "./tar-writer.ts";
import { coreMetadata, distInfoName, type FileContent, importName } from "./wheel-builder.ts";

export interface SdistSpec {
  /** The project name as written (`Foo.Bar`); the filename uses its normalized `_` form. */
  readonly name: string;
  readonly version: string;
  /** `[project] dependencies`; PKG-INFO lists them as `Requires-Dist`. */
  readonly dependencies?: readonly string[];
  /** `[project.optional-dependencies]`; PKG-INFO gets `Provides-Extra` and `extra ==` markers. */
  readonly optionalDependencies?: Record<string, readonly string[]>;
  readonly requiresPython?: string;
  readonly summary?: string;
  /** The whole pyproject.toml, replacing the generated one. */
  readonly pyproject?: string;
  /** Files under the top directory; default `<name>/__init__.py`. */
  readonly files?: Record<string, FileContent>;
  /** Leave PKG-INFO out (an sdist of the old kind, or a broken one). */
  readonly omitPkgInfo?: boolean;
}

export interface BuiltSdist {
  readonly filename: string;
  readonly bytes: Uint8Array;
  readonly pkgInfo: string;
  /** Hex SHA-256 of `bytes`. */
  readonly sha256: string;
}

const quote = (s: string) => JSON.stringify(s);

/** A requirement restricted to an extra, in PKG-INFO's form. */
function withExtra(requirement: string, extra: string): string {
  const semicolon = requirement.indexOf(";");
  if (semicolon < 0) return `${requirement}; extra == "${extra}"`;
  const marker = requirement.slice(semicolon + 1).trim();
  return `${requirement.slice(0, semicolon).trim()}; (${marker}) and extra == "${extra}"`;
}

function defaultPyproject(spec: SdistSpec, version: string): string {
  const lines = [
    "[build-system]",
    'requires = ["setuptools>=61"]',
    'build-backend = "setuptools.build_meta"',
    "",
    "[project]",
    `name = ${quote(spec.name)}`,
    `version = ${quote(version)}`,
  ];
  if (spec.summary !== undefined) lines.push(`description = ${quote(spec.summary)}`);
  if (spec.requiresPython !== undefined)
    lines.push(`requires-python = ${quote(spec.requiresPython)}`);
  lines.push(`dependencies = [${(spec.dependencies ?? []).map(quote).join(", ")}]`);
  const optional = Object.entries(spec.optionalDependencies ?? {});
  if (optional.length > 0) {
    lines.push("", "[project.optional-dependencies]");
    for (const [extra, requirements] of optional) {
      lines.push(`${extra} = [${requirements.map(quote).join(", ")}]`);
    }
  }
  if (spec.files === undefined) {
    lines.push("", "[tool.setuptools]", `packages = [${quote(importName(spec.name))}]`);
  }
  return lines.join("\n") + "\n";
}

export function buildSdist(spec: SdistSpec): BuiltSdist {
  const version = Version.parse(spec.version).toString();
  const top = `${distInfoName(spec.name)}-${version}`;
  const optional = Object.entries(spec.optionalDependencies ?? {});
  const pkgInfo = coreMetadata({
    name: spec.name,
    version,
    ...(spec.summary === undefined ? {} : { summary: spec.summary }),
    ...(spec.requiresPython === undefined ? {} : { requiresPython: spec.requiresPython }),
    requiresDist: [
      ...(spec.dependencies ?? []),
      ...optional.flatMap(([extra, requirements]) => requirements.map((r) => withExtra(r, extra))),
    ],
    providesExtra: optional.map(([extra]) => extra),
  });
  const files = spec.files ?? {
    [`${importName(spec.name)}/__init__.py`]: `__version__ = "${version}"\n`,
  };
  const entries: TarEntry[] = [{ name: `${top}/`, type: "directory" }];
  if (spec.omitPkgInfo !== true) entries.push({ name: `${top}/PKG-INFO`, data: pkgInfo });
  entries.push({
    name: `${top}/pyproject.toml`,
    data: spec.pyproject ?? defaultPyproject(spec, version),
  });
  for (const [path, data] of Object.entries(files)) entries.push({ name: `${top}/${path}`, data });
  const bytes = writeTarGz(entries);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  return { filename: `${top}.tar.gz`, bytes, pkgInfo, sha256 };
}

/** Builds the sdist into `directory`; returns it with its path. */
export function writeSdist(directory: string, spec: SdistSpec): BuiltSdist & { path: string } {
  const sdist = buildSdist(spec);
  const path = join(directory, sdist.filename);
  writeFileSync(path, sdist.bytes);
  return { ...sdist, path };
}
