// What each scenario runs, for Puffin and for each peer. A scenario turns the bench's context
// (and a set, for the set scenarios) into contenders, Puffin first; bench/run.ts times them
// alternately. Every contender gets its own cache and environments under `bench.root`.
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Contender, TimedCommand } from "./measure.ts";
import { timeCommand } from "./measure.ts";
import { type IndexUrls, pipIndexFlags, puffinIndexFlags } from "./offline-index.ts";
import { type Pip, pipCommand } from "./peers.ts";
import { type Poetry, poetryCommand } from "./poetry.ts";

export interface Bench {
  /** Where venvs, caches and outputs go (tmpfs where there is one). */
  readonly root: string;
  /** The interpreter the sets were pinned for; every venv is made from it. */
  readonly python: string;
  /** The bundled CLI, `dist/puffin.cjs`, run as users run it (an executable, through its launcher). */
  readonly puffin: string;
  readonly pips: readonly Pip[];
  /** An interpreter that has virtualenv, if one could be installed. */
  readonly virtualenv: string | undefined;
  readonly file: IndexUrls;
  readonly http: IndexUrls | undefined;
}

/** poetry's part in one set: its project file, or why the set has none. */
export interface PoetrySet {
  readonly poetry: Poetry;
  /** `pyproject.toml` of the set (see bench/poetry.ts), or why it could not be written. */
  readonly pyproject: string | { readonly failed: string };
}

/** The set scenarios poetry takes part in: `poetry lock` and `poetry install --no-root`. */
export const POETRY_SCENARIOS: readonly SetScenario[] = [
  "resolve-cold",
  "resolve-warm",
  "install-cold",
  "install-warm",
];

export const SET_SCENARIOS = [
  "resolve-cold",
  "resolve-warm",
  "resolve-universal-warm",
  "install-cold",
  "install-warm",
  "install-http-cold",
  "noop",
  "uninstall",
] as const;
export const OTHER_SCENARIOS = ["venv", "startup", "versions"] as const;
export type SetScenario = (typeof SET_SCENARIOS)[number];

const SETS = new URL("./sets/", import.meta.url).pathname;
let counter = 0;

/** A new path under the bench root (nothing is created). */
function fresh(bench: Bench, name: string): string {
  return join(bench.root, `${name}-${counter++}`);
}

const remove =
  (...paths: string[]) =>
  () => {
    for (const path of paths) rmSync(path, { recursive: true, force: true });
  };

/** A new venv without pip (the tools install into it from outside); returns its interpreter. */
function freshVenv(bench: Bench): string {
  const venv = fresh(bench, "venv");
  const made = spawnSync(bench.python, ["-m", "venv", "--without-pip", venv]);
  if (made.status !== 0) throw new Error(`${bench.python} -m venv ${venv} failed`);
  return join(venv, "bin", "python");
}

const venvOf = (python: string) => join(python, "..", "..");

function puffin(bench: Bench, cache: string, args: readonly string[]): TimedCommand {
  return { command: bench.puffin, args: ["--cache-dir", cache, ...args] };
}

/** How one tool resolves, installs and uninstalls a set. */
interface SetTool {
  readonly tool: string;
  resolve(cache: string, output: string): TimedCommand;
  install(venvPython: string, cache: string, urls: IndexUrls): TimedCommand;
  uninstall(venvPython: string, cache: string): TimedCommand;
}

function setTools(bench: Bench, set: string): SetTool[] {
  const input = join(SETS, `${set}.in`);
  const pins = join(SETS, "compiled", `${set}.txt`);
  const ours: SetTool = {
    tool: "puffin",
    resolve: (cache, output) =>
      puffin(bench, cache, [
        "pip",
        "compile",
        input,
        "-o",
        output,
        "--python",
        bench.python,
        ...puffinIndexFlags(bench.file),
      ]),
    install: (venvPython, cache, urls) =>
      puffin(bench, cache, [
        "pip",
        "sync",
        pins,
        "--python",
        venvPython,
        ...puffinIndexFlags(urls),
      ]),
    uninstall: (venvPython, cache) =>
      puffin(bench, cache, ["pip", "uninstall", "-r", pins, "--python", venvPython]),
  };
  const theirs = bench.pips.map(
    (pip): SetTool => ({
      tool: pip.tool,
      resolve: (cache, output) =>
        pipCommand(pip, [
          "install",
          "--dry-run",
          "--ignore-installed",
          "--report",
          output,
          "-q",
          "-r",
          input,
          ...pipIndexFlags(bench.file),
          "--cache-dir",
          cache,
        ]),
      install: (venvPython, cache, urls) =>
        pipCommand(pip, [
          "--python",
          venvPython,
          "install",
          "--no-deps",
          "-q",
          "-r",
          pins,
          ...pipIndexFlags(urls),
          "--cache-dir",
          cache,
        ]),
      uninstall: (venvPython) =>
        pipCommand(pip, ["--python", venvPython, "uninstall", "-y", "-q", "-r", pins]),
    }),
  );
  return [ours, ...theirs];
}

/** The contenders of one set scenario, Puffin first, poetry (where it takes part) last. */
export function setScenario(
  bench: Bench,
  set: string,
  scenario: SetScenario,
  poetry?: PoetrySet,
): Contender[] {
  if (scenario === "resolve-universal-warm") return universalContenders(bench, set);
  const timed: Exclude<SetScenario, "resolve-universal-warm"> = scenario;
  const contenders = setTools(bench, set).map((tool): Contender => {
    const warmCache = fresh(bench, "cache");
    const prepare = setScenarioRun(bench, tool, timed, warmCache);
    return { tool: tool.tool, prepare };
  });
  if (poetry !== undefined && POETRY_SCENARIOS.includes(scenario)) {
    contenders.push(poetryContender(bench, poetry, scenario));
  }
  return contenders;
}

/**
 * `pip compile --universal` against Puffin's own one-platform `pip compile` of the same set, both
 * with a warm cache (each its own): what resolving for every environment costs. The
 * one-platform run is a reference (its ratio is shown, not charted): below 1× means the
 * universal resolution takes longer.
 *
 * The offline index mirrors what Linux needs, so the universal run covers Linux (every machine
 * and implementation) with `--environment`, and the Pythons from the interpreter's own version
 * up: other platforms need packages the index lacks (`appnope` on macOS), and Pythons before
 * 3.11.3 one more (`async-timeout`, for redis).
 */
function universalContenders(bench: Bench, set: string): Contender[] {
  const input = join(SETS, `${set}.in`);
  const version = spawnSync(
    bench.python,
    ["-c", "import platform; print(platform.python_version())"],
    {
      encoding: "utf8",
    },
  ).stdout.trim();
  const universal = [
    "--universal",
    "--python-version",
    version,
    "--environment",
    "sys_platform == 'linux'",
  ];
  const compile = (tool: string, flags: string[], reference: boolean): Contender => {
    const cache = fresh(bench, "cache");
    return {
      tool,
      ...(reference ? { reference: true } : {}),
      prepare: () => {
        const output = fresh(bench, "resolution");
        const args = ["pip", "compile", input, "-o", output, "--python", bench.python];
        return {
          ...puffin(bench, cache, [...args, ...flags, ...puffinIndexFlags(bench.file)]),
          cleanup: remove(output),
        };
      },
    };
  };
  return [
    compile("puffin --universal", universal, false),
    compile("puffin, one platform (reference)", [], true),
  ];
}

/**
 * poetry on one set: `poetry lock` (resolve-*) or `poetry install --no-root` from a lock file
 * made once, untimed, with a cache of its own (install-*). The project's in-project `.venv` is
 * created untimed from `bench.python` before each run, as the venvs of the other tools are.
 * A set poetry cannot take (its translation or its lock failed) fails this contender with the
 * reason, which the results record.
 */
function poetryContender(bench: Bench, { poetry, pyproject }: PoetrySet, scenario: SetScenario) {
  const project = fresh(bench, "poetry");
  const venv = join(project, ".venv");
  const warmCache = fresh(bench, "cache");
  const newVenv = () => {
    rmSync(venv, { recursive: true, force: true });
    const made = spawnSync(bench.python, ["-m", "venv", "--without-pip", venv]);
    if (made.status !== 0) throw new Error(`${bench.python} -m venv ${venv} failed`);
  };
  let ready = false;
  const setUp = () => {
    if (typeof pyproject !== "string") throw new Error(pyproject.failed);
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, "pyproject.toml"), pyproject);
    newVenv();
    if (scenario.startsWith("install")) {
      const lockCache = fresh(bench, "cache");
      timeCommand({
        ...poetryCommand(poetry, project, lockCache, ["lock"]),
        cleanup: remove(lockCache),
      });
    }
    ready = true;
  };
  const cold = scenario.endsWith("-cold");
  return {
    tool: poetry.tool,
    prepare: (): TimedCommand => {
      if (!ready) setUp();
      const cache = cold ? fresh(bench, "cache") : warmCache;
      const cacheCleanup = cold ? [cache] : [];
      if (scenario.startsWith("resolve")) {
        return {
          ...poetryCommand(poetry, project, cache, ["lock"]),
          cleanup: remove(join(project, "poetry.lock"), ...cacheCleanup),
        };
      }
      newVenv();
      return {
        ...poetryCommand(poetry, project, cache, ["install", "--no-root"]),
        cleanup: remove(venv, ...cacheCleanup),
      };
    },
  };
}

function setScenarioRun(
  bench: Bench,
  tool: SetTool,
  scenario: Exclude<SetScenario, "resolve-universal-warm">,
  warmCache: string,
): (run: number) => TimedCommand {
  switch (scenario) {
    case "resolve-cold":
    case "resolve-warm":
      return () => {
        const cache = scenario === "resolve-cold" ? fresh(bench, "cache") : warmCache;
        const output = fresh(bench, "resolution");
        const command = tool.resolve(cache, output);
        const cleanup = scenario === "resolve-cold" ? remove(cache, output) : remove(output);
        return { ...command, cleanup };
      };
    case "install-cold":
    case "install-http-cold":
    case "install-warm":
      return () => {
        const urls = scenario === "install-http-cold" ? bench.http : bench.file;
        if (urls === undefined) throw new Error("no loopback index server");
        const cache = scenario === "install-warm" ? warmCache : fresh(bench, "cache");
        const venvPython = freshVenv(bench);
        const cleanup =
          scenario === "install-warm"
            ? remove(venvOf(venvPython))
            : remove(venvOf(venvPython), cache);
        return { ...tool.install(venvPython, cache, urls), cleanup };
      };
    case "noop": {
      let venvPython: string | undefined;
      return () => {
        if (venvPython === undefined) {
          venvPython = freshVenv(bench);
          timeCommand(tool.install(venvPython, warmCache, bench.file));
        }
        return tool.install(venvPython, warmCache, bench.file);
      };
    }
    case "uninstall":
      return () => {
        const venvPython = freshVenv(bench);
        timeCommand(tool.install(venvPython, warmCache, bench.file));
        return { ...tool.uninstall(venvPython, warmCache), cleanup: remove(venvOf(venvPython)) };
      };
  }
}

/** A command that creates an environment at a new path each run. */
function creating(bench: Bench, tool: string, command: string, args: string[]): Contender {
  return {
    tool,
    prepare: () => {
      const target = fresh(bench, "venv");
      return { command, args: [...args, target], cleanup: remove(target) };
    },
  };
}

/**
 * Node's own startup, as floors (never charted): `node -e ''` in the environment as it is and,
 * when it sets NODE_EXTRA_CA_CERTS (which makes Node parse every CA certificate before running
 * anything), also without it, as Puffin's launcher starts Node (see scripts/build.mjs).
 */
function nodeFloors(): Contender[] {
  const floor = (tool: string, env?: NodeJS.ProcessEnv): Contender => ({
    tool,
    reference: true,
    prepare: () => ({ command: process.execPath, args: ["-e", ""], env }),
  });
  const floors = [floor("node -e '' (Node's startup, a floor)")];
  if (process.env["NODE_EXTRA_CA_CERTS"]) {
    const env = { ...process.env };
    delete env["NODE_EXTRA_CA_CERTS"];
    floors.push(
      floor("node -e '' without NODE_EXTRA_CA_CERTS (as Puffin's launcher starts it)", env),
    );
  }
  return floors;
}

/** `puffin venv` (its interpreter cache warmed by the warm-up) and the tools it replaces. */
export function venvScenario(bench: Bench): Contender[] {
  const cache = fresh(bench, "cache");
  const { python } = bench;
  const contenders = [
    creating(bench, "puffin", bench.puffin, [
      "-q",
      "--cache-dir",
      cache,
      "venv",
      "--python",
      python,
    ]),
    creating(bench, "python -m venv --without-pip", python, ["-m", "venv", "--without-pip"]),
    creating(bench, "python -m venv", python, ["-m", "venv"]),
    ...nodeFloors(),
    // Not a peer but Puffin's own `--seed` (pip, setuptools, wheel from the warm cache), shown
    // beside `python -m venv`, which seeds pip too; its ratio column compares it with plain
    // `puffin venv`, so it is a reference row, never charted.
    {
      ...creating(bench, "puffin venv --seed (warm cache)", bench.puffin, [
        "-q",
        "--cache-dir",
        cache,
        "venv",
        "--seed",
        "--python",
        python,
        ...puffinIndexFlags(bench.file),
      ]),
      reference: true,
    },
  ];
  if (bench.virtualenv !== undefined) {
    contenders.splice(3, 0, creating(bench, "virtualenv", bench.virtualenv, ["-m", "virtualenv"]));
  }
  return contenders;
}

/** `puffin --version` against `pip --version`: what every command pays before any work. */
export function startupScenario(bench: Bench): Contender[] {
  const version: Contender = {
    tool: "puffin",
    prepare: () => ({ command: bench.puffin, args: ["--version"] }),
  };
  const pips = bench.pips.map(
    (pip): Contender => ({ tool: pip.tool, prepare: () => pipCommand(pip, ["--version"]) }),
  );
  return [version, ...pips, ...nodeFloors()];
}
