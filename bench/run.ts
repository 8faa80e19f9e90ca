// The benchmark's entry point: Puffin against its peers, alternately, on the same input.
//   npm run build && npm run bench -- [--set small,trio,large] [--scenario a,b,...]
//        [--runs 5] [--warmups 1] [--dir /dev/shm] [--python PATH] [--tool pip,poetry]
//        [--no-report]
// Scenarios: resolve-cold, resolve-warm, resolve-universal-warm (Puffin --universal against its
// own one-platform compile), install-cold, install-warm, install-http-cold, noop,
// uninstall (each per set), venv, startup, versions. `--tool` keeps only the peers whose name
// starts with one of the given words (Puffin always runs; the merged results then hold only
// those tools for the scenarios run). Results are merged into
// bench/results/latest.json (same set and scenario replaced); BENCHMARKS.md's tables and
// bench/results/ratios.svg are regenerated from it (bench/report.ts).
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statfsSync,
  writeFileSync,
} from "node:fs";
import { cpus, homedir, loadavg, tmpdir, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { OFFLINE_INDEXES } from "../test/support/offline-index.ts";
import { type Contender, compareAlternately } from "./measure.ts";
import {
  type IndexServer,
  type IndexUrls,
  offlineIndex,
  startIndexServer,
} from "./offline-index.ts";
import { installedPip, installIndexPeers, type Pip } from "./peers.ts";
import { findPoetry, type Poetry, poetryPyproject, setDependencies } from "./poetry.ts";
import { type Comparison, mergeResults, RESULTS, savedResults, writeReport } from "./report.ts";
import {
  type Bench,
  OTHER_SCENARIOS,
  POETRY_SCENARIOS,
  type PoetrySet,
  SET_SCENARIOS,
  type SetScenario,
  setScenario,
  startupScenario,
  venvScenario,
} from "./scenarios.ts";
import { benchmarkVersions } from "./versions.ts";

const { values } = parseArgs({
  options: {
    set: { type: "string", default: "small,trio,large" },
    scenario: { type: "string", default: [...SET_SCENARIOS, ...OTHER_SCENARIOS].join(",") },
    runs: { type: "string", default: "5" },
    warmups: { type: "string", default: "1" },
    dir: { type: "string", default: existsSync("/dev/shm") ? "/dev/shm" : tmpdir() },
    python: { type: "string" },
    tool: { type: "string" },
    "no-report": { type: "boolean", default: false },
  },
});
const runs = Number(values.runs);
const warmups = Number(values.warmups);
const sets = values.set.split(",").filter(Boolean);
const scenarios = values.scenario.split(",").filter(Boolean);
const known = new Set<string>([...SET_SCENARIOS, ...OTHER_SCENARIOS]);
for (const scenario of scenarios) {
  if (!known.has(scenario)) throw new Error(`unknown scenario ${scenario}; known: ${[...known]}`);
}
const tools = values.tool?.split(",").filter(Boolean);
/** Whether `--tool` keeps this peer (Puffin and the reference floors are always kept). */
const keeps = (contender: Contender) =>
  tools === undefined ||
  contender.tool === "puffin" ||
  contender.reference === true ||
  tools.some((word) => contender.tool.startsWith(word));
const puffinBin = new URL("../dist/puffin.cjs", import.meta.url).pathname;
if (!existsSync(puffinBin)) {
  console.error("dist/puffin.cjs not found: run `npm run build` first");
  process.exit(1);
}

/** `--python`, else pyenv's 3.11 (the sets were pinned for it), else `python3`. */
function choosePython(): string {
  if (values.python !== undefined) return values.python;
  const versions = join(process.env["PYENV_ROOT"] || join(homedir(), ".pyenv"), "versions");
  const found = existsSync(versions)
    ? readdirSync(versions).find((name) => /^3\.11\.\d+$/.test(name))
    : undefined;
  if (found !== undefined) return join(versions, found, "bin", "python3");
  return spawnSync("python3", ["-c", "import sys; print(sys.executable)"], {
    encoding: "utf8",
  }).stdout.trim();
}

const FILESYSTEMS: Record<number, string> = {
  16914836: "tmpfs",
  61267: "ext4",
  2035054128: "overlayfs",
  2435016766: "btrfs",
  1481003842: "xfs",
};
const filesystemOf = (path: string) => {
  const type = statfsSync(path).type;
  return `${FILESYSTEMS[type] ?? `filesystem 0x${type.toString(16)}`} (${path})`;
};

const notes: string[] = [];
const today = new Date().toISOString().slice(0, 10);
const runsText = `${runs} per tool after ${warmups} warm-up round(s), tools alternating`;
const version = (command: string, args: string[]) =>
  spawnSync(command, args, { encoding: "utf8" }).stdout.trim();
/** Says why something is not measured, on the console and in BENCHMARKS.md. */
function skip(reason: string): void {
  console.log(`skipped: ${reason}`);
  notes.push(`Not measured: ${reason}.`);
}

const python = choosePython();
const index = offlineIndex();
const root = mkdtempSync(join(values.dir, "puffin-bench-"));
const comparisons: Comparison[] = [];
let server: IndexServer | undefined;

/** Times the contenders and records the comparison. */
function compare(
  scenario: string,
  all: Contender[],
  where: { set?: string; filesystem: string },
): void {
  const contenders = all.filter(keeps);
  process.stdout.write(`${where.set ?? ""} ${scenario}: `);
  const before = loadavg()[0]!;
  const outcomes = compareAlternately(contenders, { warmups, runs });
  const comparison: Comparison = {
    scenario,
    ...(where.set === undefined ? {} : { set: where.set }),
    filesystem: where.filesystem,
    load: [before, loadavg()[0]!],
    date: today,
    runs: runsText,
    contenders: contenders.map((contender, i) => ({
      tool: contender.tool,
      ...(contender.reference ? { reference: true } : {}),
      ...outcomes[i]!,
    })),
  };
  console.log(
    comparison.contenders
      .map((c) =>
        c.samples
          ? `${c.tool} ${c.samples.map((n) => n.toFixed(0)).join("/")} ms`
          : `${c.tool} failed`,
      )
      .join("; "),
  );
  for (const c of comparison.contenders) if (c.failed) console.log(`  ${c.tool}: ${c.failed}`);
  comparisons.push(comparison);
}

try {
  const pip = installedPip(python);
  const pips: Pip[] = typeof pip === "string" ? [] : [pip];
  if (typeof pip === "string") skip(pip);
  let virtualenv: string | undefined;
  let poetry: Poetry | string = "poetry: the offline index is absent";
  if (typeof index === "string") {
    skip(`every scenario that reads a requirement set: ${index}`);
  } else if (typeof pip !== "string") {
    const peers = installIndexPeers(python, join(root, "peers"), index, pip);
    if (typeof peers.pip === "string") skip(peers.pip);
    else if (peers.pip.tool !== pip.tool) pips.push(peers.pip);
    if (peers.virtualenv === undefined)
      skip("virtualenv: it could not be installed from the index");
    virtualenv = peers.virtualenv;
    if (peers.virtualenvVersion) notes.push(`virtualenv ${peers.virtualenvVersion}.`);
    // poetry is a peer in the set scenarios only: looked for (and its absence noted) only then.
    const poetryRuns =
      sets.length > 0 && POETRY_SCENARIOS.some((scenario) => scenarios.includes(scenario));
    poetry = poetryRuns ? findPoetry() : "poetry: no set scenario of it was asked for";
    if (typeof poetry !== "string") {
      notes.push(
        `${poetry.tool}: \`poetry lock\` and \`poetry install --no-root\` of each set translated into a poetry project, from the offline index over loopback HTTP (poetry 1.3 cannot read \`file://\` indexes); pkginfo taught Metadata-Version 2.3/2.4 (see bench/poetry.ts).`,
      );
    } else if (poetryRuns) {
      skip(poetry);
    }
    if (scenarios.includes("install-http-cold") || (typeof poetry !== "string" && poetryRuns)) {
      server = await startIndexServer(python, index);
    }
  }
  const bench: Bench = {
    root,
    python,
    puffin: puffinBin,
    pips,
    virtualenv,
    file: typeof index === "string" ? { indexes: [], findLinks: "" } : index,
    http: server?.urls,
  };
  const state = filesystemOf(values.dir);
  const compile = spawnSync(puffinBin, ["pip", "compile", "--help"]);
  for (const set of typeof index === "string" ? [] : sets) {
    const poetrySet =
      typeof poetry === "string" || server === undefined
        ? undefined
        : await poetryProject(poetry, set, server.urls);
    for (const scenario of SET_SCENARIOS.filter((s) => scenarios.includes(s))) {
      if (scenario.startsWith("resolve") && compile.status !== 0) {
        skip(`${scenario}: this build has no \`puffin pip compile\``);
        continue;
      }
      compare(scenario, setScenario(bench, set, scenario as SetScenario, poetrySet), {
        set,
        filesystem: state,
      });
    }
  }
  if (scenarios.includes("venv")) compare("venv", venvScenario(bench), { filesystem: state });
  if (scenarios.includes("startup"))
    compare("startup", startupScenario(bench), { filesystem: "-" });
  if (scenarios.includes("versions")) measureVersions();
} finally {
  server?.close();
  rmSync(root, { recursive: true, force: true });
}

/**
 * The poetry project of a set, its `python` constraint the harness interpreter's minor version
 * (`~3.11`), its sources the index served over loopback HTTP; or why the set cannot be
 * translated (recorded as poetry's outcome in each of its scenarios).
 */
async function poetryProject(poetry: Poetry, set: string, urls: IndexUrls): Promise<PoetrySet> {
  const minor = version(python, ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"]);
  try {
    const dependencies = await setDependencies(
      new URL(`./sets/${set}.in`, import.meta.url).pathname,
    );
    const pyproject = poetryPyproject({
      set,
      python: `~${minor}`,
      dependencies,
      indexes: urls.indexes,
    });
    return { poetry, pyproject };
  } catch (error) {
    const failed = error instanceof Error ? error.message : String(error);
    notes.push(`poetry cannot take set ${set}: ${failed}.`);
    return { poetry, pyproject: { failed } };
  }
}

/** The PEP 440 micro-benchmark: in-process samples, one comparison per operation. */
function measureVersions(): void {
  const before = loadavg()[0]!;
  const result = benchmarkVersions(runs);
  if (typeof result === "string") {
    skip(`versions: ${result}`);
    return;
  }
  notes.push(`versions: ${result.description}; in-process timings, no files touched.`);
  for (const operation of result.operations) {
    comparisons.push({
      scenario: "versions",
      variant: operation.name,
      filesystem: "-",
      load: [before, loadavg()[0]!],
      contenders: [
        { tool: "puffin", samples: operation.puffin },
        typeof operation.packaging === "string"
          ? { tool: result.packagingTool, failed: operation.packaging }
          : { tool: result.packagingTool, samples: operation.packaging },
      ],
    });
  }
}

const results = mergeResults(savedResults(), {
  date: today,
  machine: {
    cores: String(cpus().length),
    memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
    node: process.version,
    python: `${version(python, ["--version"]).replace("Python ", "")} (${python})`,
    "offline index on": typeof index === "string" ? "-" : filesystemOf(OFFLINE_INDEXES[0]!),
  },
  notes,
  comparisons,
});
mkdirSync(dirname(RESULTS), { recursive: true });
writeFileSync(RESULTS, `${JSON.stringify(results, null, 1)}\n`);
if (!values["no-report"]) writeReport(results);
console.log(`results: ${RESULTS}`);
