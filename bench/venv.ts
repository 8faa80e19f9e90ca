// Creating a virtual environment: `puffin venv` (warm interpreter cache) against
// `python -m venv` (with pip), `python -m venv --without-pip` and virtualenv, in the same run.
//   npm run build && node --import tsx bench/venv.ts [--python PATH] [--runs N] [--dir DIR]
// Every tool gets the interpreter's real path (never a pyenv shim) and a fresh target directory
// each run, on DIR (default /dev/shm, a tmpfs, so the disk does not dominate). Reports medians
// and ratios; absolute figures vary with the machine, ratios much less.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statfsSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { medianCommandMs } from "./measure.ts";

const { values } = parseArgs({
  options: {
    python: { type: "string" },
    runs: { type: "string", default: "21" },
    dir: { type: "string", default: existsSync("/dev/shm") ? "/dev/shm" : tmpdir() },
  },
});
const runs = Number(values.runs);
const bin = new URL("../dist/puffin.js", import.meta.url).pathname;
if (!existsSync(bin)) {
  console.error("dist/puffin.js not found: run `npm run build` first");
  process.exit(1);
}

/** `--python`, else the newest CPython that pyenv provides, else `python3` resolved. */
function choosePython(): string {
  if (values.python !== undefined) return values.python;
  const versions = join(process.env["PYENV_ROOT"] || join(homedir(), ".pyenv"), "versions");
  if (existsSync(versions)) {
    const newest = readdirSync(versions)
      .filter((name) => /^3\.\d+\.\d+$/.test(name))
      .sort((a, b) => a.localeCompare(b, "en", { numeric: true }))
      .at(-1);
    if (newest !== undefined) return join(versions, newest, "bin", "python3");
  }
  const found = spawnSync("python3", ["-c", "import sys; print(sys.executable)"], {
    encoding: "utf8",
  });
  return found.stdout.trim();
}

const python = choosePython();
const root = mkdtempSync(join(values.dir, "puffin-bench-venv-"));
const cache = join(root, "cache");
let counter = 0;

/** Median wall time of `command ARGS… <fresh dir>`, or undefined when it fails. */
function medianMs(command: string, args: string[], times: number): number | undefined {
  return medianCommandMs(command, args, {
    runs: times,
    eachRun: () => {
      const target = join(root, `venv-${counter++}`);
      return { args: [target], cleanup: () => rmSync(target, { recursive: true, force: true }) };
    },
  });
}

const puffinArgs = [bin, "-q", "--cache-dir", cache, "venv", "--python", python];
// Warm the interpreter cache once; the measured runs start no Python.
spawnSync(process.execPath, [...puffinArgs, join(root, "warm")], { stdio: "ignore" });
const hasVirtualenv =
  spawnSync(python, ["-m", "virtualenv", "--version"], { stdio: "ignore" }).status === 0;

const withPipRuns = Math.max(3, Math.ceil(runs / 4));
const rows: [string, number | undefined, number][] = [
  ["node -e '' (the floor)", medianMs(process.execPath, ["-e", ""], runs), runs],
  ["puffin venv (warm cache)", medianMs(process.execPath, puffinArgs, runs), runs],
  ["python -m venv --without-pip", medianMs(python, ["-m", "venv", "--without-pip"], runs), runs],
  ["python -m venv", medianMs(python, ["-m", "venv"], withPipRuns), withPipRuns],
  [
    "virtualenv",
    hasVirtualenv ? medianMs(python, ["-m", "virtualenv", "-q"], withPipRuns) : undefined,
    withPipRuns,
  ],
];
rmSync(root, { recursive: true, force: true });

const type = statfsSync(values.dir).type;
const filesystem = type === 0x01021994 ? "tmpfs" : `filesystem type 0x${type.toString(16)}`;
console.log(`python: ${python}`);
console.log(`target: ${values.dir} (${filesystem}); medians`);
for (const [name, ms, n] of rows) {
  const figure = ms === undefined ? "unavailable" : `${ms.toFixed(1)} ms`;
  console.log(`${name.padEnd(32)} ${figure.padStart(12)}  (${n} runs)`);
}
const puffin = rows[1]![1];
if (puffin !== undefined) {
  for (const [name, ms] of rows.slice(2)) {
    if (ms !== undefined) console.log(`${name} / puffin venv: ${(ms / puffin).toFixed(2)}x`);
  }
}
