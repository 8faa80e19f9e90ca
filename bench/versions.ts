// PEP 440 versions: parse + sort, and specifier membership, next to Python `packaging`, measured
// in the same process run over the same strings (the `versions` scenario of bench/run.ts).
// The strings are the versions of every file in the offline index (wheel and sdist filenames
// under /opt/pypi/simple, /opt/pypi-more/simple, /opt/wheels: the directories and the links in
// their index pages), repeated to 100,000.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { compareVersions, Version, VersionSpecifiers } from "../src/pep440/index.ts";
import { timeMs } from "./measure.ts";

const TOTAL = 100_000;
const ROOTS = ["/opt/pypi/simple", "/opt/pypi-more/simple", "/opt/wheels"];
const SPECIFIERS = [">=1.0", "<2", "~=1.4", "==2.*", ">=1.0,!=1.5,<3", "!=1.0.*,>0.5.post1"];

/** The version part of a wheel or sdist filename (a simple local split, not a full parser). */
function versionOfFilename(filename: string): string | undefined {
  if (filename.endsWith(".whl")) return filename.split("-")[1];
  const stem = filename.match(/^(.*)\.(?:tar\.gz|tar\.bz2|tar\.xz|zip|tgz)$/)?.[1];
  if (stem === undefined) return undefined;
  const dash = stem.lastIndexOf("-");
  return dash < 0 ? undefined : stem.slice(dash + 1);
}

function collectFilenames(dir: string, into: Set<string>): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      collectFilenames(path, into);
    } else if (entry.name.endsWith(".html")) {
      for (const match of readFileSync(path, "utf8").matchAll(/>([^<>]+)<\/a>/g)) {
        into.add(match[1]!.trim());
      }
    } else {
      into.add(entry.name);
    }
  }
}

/** Samples of each operation, one per run. */
type Samples = { parse: number[]; sort: number[]; parseSort: number[]; contains: number[] };

function measurePuffin(strings: readonly string[], runs: number): Samples {
  const samples: Samples = { parse: [], sort: [], parseSort: [], contains: [] };
  let sink = 0;
  for (let run = 0; run < runs; run++) {
    let parsed: Version[] = [];
    const parse = timeMs(() => (parsed = strings.map((s) => Version.parse(s))));
    const sort = timeMs(() => parsed.sort(compareVersions));
    const sets = SPECIFIERS.map((s) => VersionSpecifiers.parse(s));
    samples.contains.push(
      timeMs(() => {
        for (const set of sets) for (const v of parsed) if (set.contains(v)) sink++;
      }),
    );
    samples.parse.push(parse);
    samples.sort.push(sort);
    samples.parseSort.push(parse + sort);
  }
  if (sink < 0) console.log(sink);
  return samples;
}

const PYTHON = `
import json, sys, time
from packaging.version import Version
from packaging.specifiers import SpecifierSet
data = json.load(sys.stdin)
strings, specifiers, runs = data["strings"], data["specifiers"], data["runs"]
out = {"parse": [], "sort": [], "parseSort": [], "contains": []}
for _ in range(runs):
    t0 = time.perf_counter()
    parsed = [Version(s) for s in strings]
    t1 = time.perf_counter()
    parsed = sorted(parsed)
    t2 = time.perf_counter()
    sets = [SpecifierSet(s) for s in specifiers]
    n = 0
    for spec in sets:
        for v in parsed:
            if spec.contains(v, prereleases=True):
                n += 1
    t3 = time.perf_counter()
    out["parse"].append((t1 - t0) * 1e3); out["sort"].append((t2 - t1) * 1e3)
    out["parseSort"].append((t2 - t0) * 1e3); out["contains"].append((t3 - t2) * 1e3)
print(json.dumps(out))
`;

function measurePackaging(strings: readonly string[], runs: number): Samples | string {
  const result = spawnSync("python3", ["-c", PYTHON], {
    input: JSON.stringify({ strings, specifiers: SPECIFIERS, runs }),
    encoding: "utf8",
    maxBuffer: 1 << 20,
  });
  if (result.error !== undefined) return `python3 unavailable (${result.error.message})`;
  if (result.status !== 0) {
    const reason = result.stderr.includes("No module named") ? "packaging not installed" : "failed";
    return `python3 -c ... ${reason}: ${result.stderr.trim().split("\n").at(-1)}`;
  }
  return JSON.parse(result.stdout) as Samples;
}

/** One operation's samples: Puffin's, and `packaging`'s or why it could not run. */
export interface VersionOperation {
  readonly name: string;
  readonly puffin: number[];
  readonly packaging: number[] | string;
}

export interface VersionBenchmark {
  readonly description: string;
  readonly packagingTool: string;
  readonly operations: VersionOperation[];
}

/** Runs both sides `runs` times, or says why there is nothing to measure. */
export function benchmarkVersions(runs: number): VersionBenchmark | string {
  const filenames = new Set<string>();
  for (const root of ROOTS) {
    if (existsSync(root) && statSync(root).isDirectory()) collectFilenames(root, filenames);
  }
  const distinct = [...filenames].flatMap((f) => {
    const version = versionOfFilename(f);
    return version !== undefined && Version.tryParse(version) !== undefined ? [version] : [];
  });
  if (distinct.length === 0) return `no offline index found (looked in ${ROOTS.join(", ")})`;
  const strings = Array.from({ length: TOTAL }, (_, i) => distinct[i % distinct.length]!);
  const puffin = measurePuffin(strings, runs);
  const packaging = measurePackaging(strings, runs);
  const version = spawnSync("python3", ["-c", "import packaging; print(packaging.__version__)"], {
    encoding: "utf8",
  }).stdout?.trim();
  const rows: [string, keyof Samples][] = [
    ["parse", "parse"],
    ["sort", "sort"],
    ["parse + sort", "parseSort"],
    [`contains, ${SPECIFIERS.length} specifier sets × ${TOTAL / 1000}k`, "contains"],
  ];
  return {
    description: `${TOTAL} version strings (${distinct.length} distinct, from the offline index)`,
    packagingTool: `packaging ${version ?? ""}`.trim(),
    operations: rows.map(([name, key]) => ({
      name,
      puffin: puffin[key],
      packaging: typeof packaging === "string" ? packaging : packaging[key],
    })),
  };
}
