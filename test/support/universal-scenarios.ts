// The universal packse scenarios (test/corpora/packse-universal, see its README): reading each
// scenario's input, and what uv's expected output installs in one environment — the oracle the
// universal tests compare Puffin's output with, environment by environment.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parse } from "smol-toml";
import { normalizeName } from "../../src/normalize/index.ts";
import { type MarkerEnvironment, MarkerTree, Requirement } from "../../src/pep508/index.ts";
import type { PackseScenario } from "./packse.ts";

/**
 * Scenarios where Puffin's forks knowingly differ from uv's. Their tests are reported as "todo",
 * not hidden: they still run and show the difference. None at present: the re-locking scenario
 * `fork/preferences-dependent-forking-tristable` matches since the parts of a split fork are
 * solved in uv's order.
 */
export const KNOWN_DIFFERENCES = new Map<string, string>([]);

export const UNIVERSAL_SCENARIOS = new URL("../corpora/packse-universal/", import.meta.url)
  .pathname;

export interface UniversalScenario {
  /** `fork/marker-track`. */
  readonly path: string;
  readonly scenario: PackseScenario & {
    readonly resolver_options?: { readonly resolution?: string };
  };
  /** The root requirements. */
  readonly requirements: readonly string[];
  /** The lowest Python of the resolution (`requires-python`'s lower bound). */
  readonly python: string;
  /** `--resolution` of uv's run, if any. */
  readonly resolution: string | undefined;
  /** What uv's expected output installs in an environment; `undefined`: uv fails. */
  readonly expected: ((env: MarkerEnvironment) => Map<string, string>) | undefined;
}

export function universalScenarios(): UniversalScenario[] {
  return readdirSync(UNIVERSAL_SCENARIOS, { withFileTypes: true, recursive: true })
    .filter(
      (e) =>
        e.isFile() &&
        e.name.endsWith(".toml") &&
        !e.name.endsWith(".pyproject.toml") &&
        !e.name.startsWith("SOURCES"),
    )
    .map((e) => join(e.parentPath, e.name))
    .sort()
    .map(readScenario);
}

function readScenario(file: string): UniversalScenario {
  const path = relative(UNIVERSAL_SCENARIOS, file).replace(/\.toml$/, "");
  const base = file.replace(/\.toml$/, "");
  const scenario = parse(readFileSync(file, "utf8")) as unknown as UniversalScenario["scenario"];
  const resolution = scenario.resolver_options?.resolution;
  if (existsSync(`${base}.requirements.in`)) {
    const requirements = lines(readFileSync(`${base}.requirements.in`, "utf8"));
    const text = readFileSync(`${base}.expected-requirements.txt`, "utf8");
    return {
      path,
      scenario,
      requirements,
      python: scenario.environment?.python ?? "3.12",
      resolution,
      expected: (env) => fromRequirementsTxt(text, env),
    };
  }
  const project = parse(readFileSync(`${base}.pyproject.toml`, "utf8")) as {
    project: { dependencies?: string[]; "requires-python"?: string };
  };
  const requiresPython = project.project["requires-python"] ?? ">=3.12";
  const lock = `${base}.expected-uv.lock`;
  return {
    path,
    scenario,
    requirements: project.project.dependencies ?? [],
    python: requiresPython.replace(/^>=/, ""),
    resolution,
    expected: existsSync(lock)
      ? (env) => fromUvLock(parse(readFileSync(lock, "utf8")) as unknown as UvLock, env)
      : undefined,
  };
}

function lines(text: string): string[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
}

/** The `name==version` lines of a requirements file whose markers hold in `env`. */
export function fromRequirementsTxt(text: string, env: MarkerEnvironment): Map<string, string> {
  const installed = new Map<string, string>();
  for (const line of lines(text)) {
    if (line.startsWith("-")) continue;
    const requirement = Requirement.parse(line.replace(/\s*\\$/, ""));
    if (requirement.marker !== undefined && !requirement.marker.evaluate(env, [])) continue;
    const specifier =
      requirement.version.kind === "specifiers"
        ? requirement.version.specifiers.specifiers[0]
        : undefined;
    if (specifier === undefined) continue;
    if (installed.has(requirement.name)) {
      throw new Error(`two versions of ${requirement.name} hold in ${JSON.stringify(env)}`);
    }
    installed.set(requirement.name, specifier.version.toString());
  }
  return installed;
}

interface UvLockEdge {
  readonly name: string;
  readonly version?: string;
  readonly marker?: string;
  readonly extra?: string[];
}

interface UvLockPackage {
  readonly name: string;
  readonly version: string;
  readonly source: { readonly virtual?: string };
  readonly dependencies?: UvLockEdge[];
  readonly "optional-dependencies"?: Record<string, UvLockEdge[]>;
}

interface UvLock {
  readonly package: UvLockPackage[];
}

/** The packages of a `uv.lock` reached from the project in `env` (see the corpus README). */
export function fromUvLock(lock: UvLock, env: MarkerEnvironment): Map<string, string> {
  const root = lock.package.find((p) => p.source.virtual !== undefined)!;
  const target = (edge: UvLockEdge) => {
    const candidates = lock.package.filter(
      (p) => p.name === edge.name && (edge.version === undefined || p.version === edge.version),
    );
    if (candidates.length !== 1) throw new Error(`ambiguous edge to ${edge.name}`);
    return candidates[0]!;
  };
  const installed = new Map<string, string>();
  const seen = new Set<string>();
  const visit = (p: UvLockPackage, extras: readonly string[]) => {
    const key = `${p.name} ${p.version} ${extras.join(",")}`;
    if (seen.has(key)) return;
    seen.add(key);
    if (p !== root) {
      const already = installed.get(normalizeName(p.name));
      if (already !== undefined && already !== p.version) {
        throw new Error(`two versions of ${p.name} in ${JSON.stringify(env)}`);
      }
      installed.set(normalizeName(p.name), p.version);
    }
    const edges = [
      ...(p.dependencies ?? []),
      ...extras.flatMap((extra) => p["optional-dependencies"]?.[extra] ?? []),
    ];
    for (const edge of edges) {
      if (edge.marker !== undefined && !MarkerTree.parse(edge.marker).evaluate(env, [])) continue;
      visit(target(edge), edge.extra ?? []);
    }
  };
  visit(root, []);
  return installed;
}

/**
 * Environments across platforms (Linux, macOS, Windows and two others the scenarios name),
 * machines, implementations, and Python versions from `lowest` to 3.14.
 */
export function environmentMatrix(lowest: string): MarkerEnvironment[] {
  const platforms = [
    { sys_platform: "linux", platform_system: "Linux", os_name: "posix" },
    { sys_platform: "darwin", platform_system: "Darwin", os_name: "posix" },
    { sys_platform: "win32", platform_system: "Windows", os_name: "nt" },
    { sys_platform: "illumos", platform_system: "SunOS", os_name: "posix" },
    { sys_platform: "os2", platform_system: "OS/2", os_name: "os2" },
  ];
  const implementations = [
    { implementation_name: "cpython", platform_python_implementation: "CPython" },
    { implementation_name: "pypy", platform_python_implementation: "PyPy" },
    { implementation_name: "iron", platform_python_implementation: "IronPython" },
  ];
  const [major, minor] = lowest.split(".").map(Number) as [number, number];
  const pythons: string[] = [];
  for (let m = minor; m <= 14; m++) pythons.push(`${major}.${m}.0`, `${major}.${m}.7`);
  const result: MarkerEnvironment[] = [];
  for (const platform of platforms) {
    for (const implementation of implementations) {
      for (const machine of ["x86_64", "arm64"]) {
        for (const full of pythons) {
          result.push({
            ...platform,
            ...implementation,
            platform_machine: machine,
            platform_release: "",
            platform_version: "",
            implementation_version: full,
            python_full_version: full,
            python_version: full.split(".").slice(0, 2).join("."),
          });
        }
      }
    }
  }
  return result;
}
