// Installing a pinned set: `puffin pip sync FILE` against `pip install --no-deps -r FILE`
// (pip's defaults otherwise, as ../shared/bench/pip-baseline.sh measures it), in the same run,
// each on a fresh venv per run:
//   - cold: empty cache;   - warm: the cache filled by an earlier run;
//   - no-op: the venv already holds the set;   - uninstall: every package of the set.
//   npm run build && node --import tsx bench/install.ts [--set large] [--runs 3] [--pip-runs 3]
//        [--python PATH] [--dir /dev/shm]
// Indexes: the offline index of these machines, as `pip config list` names it (file:// indexes
// and a find-links directory); Puffin consults /opt/pypi first (the first-index rule; pip merges
// the indexes), which gives the same pins. Everything lives on DIR (default /dev/shm, a tmpfs).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { median, msSince } from "./measure.ts";

const { values } = parseArgs({
  options: {
    set: { type: "string", default: "large" },
    runs: { type: "string", default: "3" },
    "pip-runs": { type: "string", default: "3" },
    python: { type: "string" },
    dir: { type: "string", default: existsSync("/dev/shm") ? "/dev/shm" : tmpdir() },
  },
});
const bin = new URL("../dist/puffin.js", import.meta.url).pathname;
if (!existsSync(bin)) {
  console.error("dist/puffin.js not found: run `npm run build` first");
  process.exit(1);
}
const pins = [
  new URL(`../test/corpora/bench/compiled/${values.set}.txt`, import.meta.url).pathname,
  `/work/shared/bench/compiled/${values.set}.txt`,
].find((path) => existsSync(path));
const INDEXES = ["/opt/pypi/simple", "/opt/pypi-more/simple"];
const FIND_LINKS = "/opt/wheels";
if (pins === undefined || !INDEXES.every((index) => existsSync(index))) {
  console.error(`The ${values.set} set or the offline index (${INDEXES.join(", ")}) is absent`);
  process.exit(1);
}

/** `--python`, else pyenv's 3.11 (the set was pinned for it), else `python3`. */
function choosePython(): string {
  if (values.python !== undefined) return values.python;
  const versions = join(process.env["PYENV_ROOT"] || join(homedir(), ".pyenv"), "versions");
  const found = existsSync(versions)
    ? readdirSync(versions).find((name) => /^3\.11\.\d+$/.test(name))
    : undefined;
  return found === undefined ? "python3" : join(versions, found, "bin", "python3");
}

const python = choosePython();
const root = mkdtempSync(join(values.dir, "puffin-bench-install-"));
const env: NodeJS.ProcessEnv = {
  ...process.env,
  PIP_DISABLE_PIP_VERSION_CHECK: "1",
  PIP_NO_INPUT: "1",
};
delete env["PIP_FIND_LINKS"];
delete env["VIRTUAL_ENV"];
let counter = 0;

const puffinIndexFlags = [
  "--extra-index-url",
  pathToFileURL(INDEXES[0]!).href,
  "--index-url",
  pathToFileURL(INDEXES[1]!).href,
  "--find-links",
  FIND_LINKS,
];
const pipIndexFlags = [
  "--index-url",
  pathToFileURL(INDEXES[0]!).href,
  "--extra-index-url",
  pathToFileURL(INDEXES[1]!).href,
  "--find-links",
  FIND_LINKS,
];

function run(command: string, args: readonly string[]): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, {
    stdio: ["ignore", "ignore", "pipe"],
    env,
    maxBuffer: 1 << 26,
  });
  const ms = msSince(start);
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} failed:\n${result.stderr?.toString().slice(-2000)}`,
    );
  }
  return ms;
}

/** A fresh venv without pip (the tools install into it from outside). */
function freshVenv(): string {
  const location = join(root, `venv-${counter++}`);
  run(python, ["-m", "venv", "--without-pip", location]);
  return join(location, "bin", "python");
}

function removeVenv(venvPython: string): void {
  rmSync(join(venvPython, "..", ".."), { recursive: true, force: true });
}

interface Tool {
  readonly name: string;
  install(venvPython: string, cache: string): number;
  uninstall(venvPython: string, cache: string): number;
}

const puffin: Tool = {
  name: "puffin",
  install: (venvPython, cache) =>
    run(process.execPath, [
      bin,
      "--cache-dir",
      cache,
      "pip",
      "sync",
      pins,
      "--python",
      venvPython,
      ...puffinIndexFlags,
    ]),
  uninstall: (venvPython, cache) =>
    run(process.execPath, [
      bin,
      "--cache-dir",
      cache,
      "pip",
      "uninstall",
      "-r",
      pins,
      "--python",
      venvPython,
    ]),
};
const pip: Tool = {
  name: "pip",
  install: (venvPython, cache) =>
    run(python, [
      "-m",
      "pip",
      "--isolated",
      "--python",
      venvPython,
      "install",
      "--no-deps",
      "-q",
      "-r",
      pins,
      ...pipIndexFlags,
      "--cache-dir",
      cache,
    ]),
  uninstall: (venvPython) =>
    run(python, [
      "-m",
      "pip",
      "--isolated",
      "--python",
      venvPython,
      "uninstall",
      "-y",
      "-q",
      "-r",
      pins,
    ]),
};

type Scenario = "cold" | "warm" | "no-op" | "uninstall";

function measure(tool: Tool, runs: number): Record<Scenario, number> {
  const samples: Record<Scenario, number[]> = { cold: [], warm: [], "no-op": [], uninstall: [] };
  for (let i = 0; i < runs; i++) {
    const cache = join(root, `${tool.name}-cache-${i}`);
    const cold = freshVenv();
    samples.cold.push(tool.install(cold, cache));
    samples["no-op"].push(tool.install(cold, cache));
    samples.uninstall.push(tool.uninstall(cold, cache));
    removeVenv(cold);
    const warm = freshVenv();
    samples.warm.push(tool.install(warm, cache));
    removeVenv(warm);
    rmSync(cache, { recursive: true, force: true });
  }
  return {
    cold: median(samples.cold),
    warm: median(samples.warm),
    "no-op": median(samples["no-op"]),
    uninstall: median(samples.uninstall),
  };
}

const format = (ms: number) => (ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(2)} s`);

try {
  const packages = spawnSync("grep", ["-c", "==", pins], { encoding: "utf8" }).stdout.trim();
  console.log(`${values.set} (${packages} packages), Python ${python}, on ${values.dir}`);
  const ours = measure(puffin, Number(values.runs));
  const theirs = measure(pip, Number(values["pip-runs"]));
  console.log("scenario   | puffin     | pip        | ratio");
  for (const scenario of ["cold", "warm", "no-op", "uninstall"] as const) {
    const ratio = theirs[scenario] / ours[scenario];
    console.log(
      `${scenario.padEnd(10)} | ${format(ours[scenario]).padEnd(10)} | ${format(theirs[scenario]).padEnd(10)} | ${ratio.toFixed(1)}×`,
    );
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
