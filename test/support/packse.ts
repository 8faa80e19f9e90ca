// The packse resolver scenarios (test/corpora/packse, see SOURCES.md there) as the harnesses read
// them, following /work/shared/corpus/README.md: a version without `requires_python` requires
// `>=3.12`; the target is CPython 3.12 unless `[environment] python` (or
// `[resolver_options] python`) says otherwise; `prereleases = true` is `--prerelease allow`.
// The solver harness builds an in-memory provider from a scenario, the CLI harnesses a loopback
// index of real files (`indexFiles`).
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parse } from "smol-toml";
import { Version } from "../../src/pep440/index.ts";
import type { IndexFile } from "./index-server.ts";
import { buildSdist } from "./sdist-builder.ts";
import { buildWheel } from "./wheel-builder.ts";

export const PACKSE_SCENARIOS = new URL("../corpora/packse/scenarios/", import.meta.url).pathname;

/** How many scenarios the corpus holds; each harness checks it read them all. */
export const PACKSE_SCENARIO_COUNT = 66;

/** One version of a package in a scenario. */
export interface PackseVersion {
  readonly requires?: string[];
  readonly requires_python?: string;
  readonly extras?: Record<string, string[]>;
  readonly yanked?: boolean;
  /** `false`: no wheel (the default is one `py3-none-any` wheel). */
  readonly wheel?: boolean;
  readonly sdist?: boolean;
  /** The wheels' tags, replacing the default wheel. */
  readonly wheel_tags?: string[];
}

export interface PackseScenario {
  readonly name: string;
  readonly root: { readonly requires?: string[] };
  readonly packages?: Record<string, { readonly versions: Record<string, PackseVersion> }>;
  readonly environment?: { readonly python?: string };
  readonly resolver_options?: { readonly prereleases?: boolean; readonly python?: string };
  readonly expected: {
    readonly satisfiable: boolean;
    readonly packages?: Record<string, string>;
  };
}

/** Every scenario, sorted by its path under the corpus (`simple/foo.toml`), which names its test. */
export function packseScenarios(): { path: string; scenario: PackseScenario }[] {
  return readdirSync(PACKSE_SCENARIOS, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".toml"))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort()
    .map((file) => ({
      path: relative(PACKSE_SCENARIOS, file),
      scenario: parse(readFileSync(file, "utf8")) as unknown as PackseScenario,
    }));
}

/** The `Requires-Python` of a version: its own, else the corpus default `>=3.12`. */
export function requiresPythonOf(entry: PackseVersion): string {
  return entry.requires_python ?? ">=3.12";
}

/** The Python version the scenario targets (`X.Y` or `X.Y.Z`, as written). */
export function packsePython(scenario: PackseScenario): string {
  return scenario.resolver_options?.python ?? scenario.environment?.python ?? "3.12";
}

/** `scenario.expected.packages` with normalized names and versions, as a resolver prints them. */
export function expectedPins(scenario: PackseScenario): Record<string, string> | undefined {
  const expected = scenario.expected.packages;
  if (expected === undefined) return undefined;
  return Object.fromEntries(
    Object.entries(expected).map(([name, version]) => [
      name.toLowerCase().replaceAll(/[-_.]+/g, "-"),
      Version.parse(version).toString(),
    ]),
  );
}

/** `req; marker` restricted to `extra`. */
function forExtra(requirement: string, extra: string): string {
  const semicolon = requirement.indexOf(";");
  if (semicolon < 0) return `${requirement}; extra == "${extra}"`;
  return `${requirement.slice(0, semicolon).trim()}; (${requirement.slice(semicolon + 1).trim()}) and extra == "${extra}"`;
}

/**
 * The files of a loopback index for the scenario: a real wheel per version and wheel tag, and a
 * real sdist (a setuptools project whose `pyproject.toml` states its metadata statically) where
 * the scenario has one. No scenario's expected answer needs the sdist built.
 */
export function indexFiles(scenario: PackseScenario): IndexFile[] {
  const files: IndexFile[] = [];
  for (const [name, { versions }] of Object.entries(scenario.packages ?? {})) {
    for (const [version, entry] of Object.entries(versions)) {
      const requiresPython = requiresPythonOf(entry);
      const extras = entry.extras ?? {};
      const requiresDist = [
        ...(entry.requires ?? []),
        ...Object.entries(extras).flatMap(([extra, list]) => list.map((r) => forExtra(r, extra))),
      ];
      const attributes = { requiresPython, ...(entry.yanked === true ? { yanked: true } : {}) };
      const tags = entry.wheel_tags ?? (entry.wheel === false ? [] : ["py3-none-any"]);
      for (const tag of tags) {
        const wheel = buildWheel({
          name,
          version,
          tags: tag,
          requiresDist,
          requiresPython,
          providesExtra: Object.keys(extras),
        });
        files.push({ ...wheel, ...attributes });
      }
      if (entry.sdist === true) {
        const sdist = buildSdist({
          name,
          version,
          dependencies: entry.requires ?? [],
          optionalDependencies: extras,
          requiresPython,
        });
        files.push({ ...sdist, ...attributes });
      }
    }
  }
  return files;
}
