// PEP 440 versions: parse + sort, and specifier membership, next to Python `packaging`, measured
// in the same run over the same strings.
//   node --import tsx bench/versions.ts [runs]
// The strings are the versions of every file in the offline index (wheel and sdist filenames
// under /opt/pypi/simple, /opt/pypi-more/simple, /opt/wheels: the directories and the links in
// their index pages), repeated to 100,000. Reports medians and ratios.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { compareVersions, Version, VersionSpecifiers } from "../src/pep440/index.ts";
import { median, timeMs } from "./measure.ts";

const runs = Number(process.argv[2] ?? 7);
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

const filenames = new Set<string>();
for (const root of ROOTS) {
  if (existsSync(root) && statSync(root).isDirectory()) collectFilenames(root, filenames);
  else console.error(`skipping ${root}: not found`);
}
const distinct = [...filenames].flatMap((f) => {
  const version = versionOfFilename(f);
  return version !== undefined && Version.tryParse(version) !== undefined ? [version] : [];
});
if (distinct.length === 0) {
  console.error("No offline index found (looked in " + ROOTS.join(", ") + "): nothing to measure.");
  process.exit(0);
}
const strings = Array.from({ length: TOTAL }, (_, i) => distinct[i % distinct.length]!);

type Figures = { parse: number; sort: number; parseSort: number; contains: number };

function measurePuffin(): Figures {
  const parse: number[] = [];
  const sort: number[] = [];
  const contains: number[] = [];
  let sink = 0;
  for (let run = 0; run < runs; run++) {
    let parsed: Version[] = [];
    parse.push(timeMs(() => (parsed = strings.map((s) => Version.parse(s)))));
    sort.push(timeMs(() => parsed.sort(compareVersions)));
    const sets = SPECIFIERS.map((s) => VersionSpecifiers.parse(s));
    contains.push(
      timeMs(() => {
        for (const set of sets) for (const v of parsed) if (set.contains(v)) sink++;
      }),
    );
  }
  if (sink < 0) console.log(sink);
  const parseSort = median(parse.map((p, i) => p + sort[i]!));
  return { parse: median(parse), sort: median(sort), parseSort, contains: median(contains) };
}

const PYTHON = `
import json, sys, time
from packaging.version import Version
from packaging.specifiers import SpecifierSet
data = json.load(sys.stdin)
strings, specifiers, runs = data["strings"], data["specifiers"], data["runs"]
def median(xs):
    return sorted(xs)[len(xs) // 2]
parse, sort, both, contains = [], [], [], []
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
    parse.append((t1 - t0) * 1e3); sort.append((t2 - t1) * 1e3)
    both.append((t2 - t0) * 1e3); contains.append((t3 - t2) * 1e3)
print(json.dumps({"parse": median(parse), "sort": median(sort), "parseSort": median(both),
                  "contains": median(contains)}))
`;

function measurePackaging(): Figures | string {
  const result = spawnSync("python3", ["-c", PYTHON], {
    input: JSON.stringify({ strings, specifiers: SPECIFIERS, runs: Math.min(runs, 5) }),
    encoding: "utf8",
    maxBuffer: 1 << 20,
  });
  if (result.error !== undefined) return `python3 unavailable (${result.error.message})`;
  if (result.status !== 0) {
    const reason = result.stderr.includes("No module named") ? "packaging not installed" : "failed";
    return `python3 -c ... ${reason}: ${result.stderr.trim().split("\n").at(-1)}`;
  }
  return JSON.parse(result.stdout) as Figures;
}

const puffin = measurePuffin();
const packaging = measurePackaging();
const python = spawnSync("python3", ["-c", "import packaging; print(packaging.__version__)"], {
  encoding: "utf8",
}).stdout?.trim();

console.log(
  `${strings.length} version strings (${distinct.length} distinct from the offline index), ` +
    `median of ${runs} runs (packaging: ${Math.min(runs, 5)})`,
);
const rows: [string, keyof Figures][] = [
  ["parse", "parse"],
  ["sort", "sort"],
  ["parse + sort", "parseSort"],
  [`contains, ${SPECIFIERS.length} specifier sets x ${TOTAL / 1000}k`, "contains"],
];
const header = ["operation", "puffin", `packaging ${python || ""}`.trim(), "ratio"];
console.log(`| ${header.join(" | ")} |`);
console.log(`|${header.map(() => "---").join("|")}|`);
for (const [name, key] of rows) {
  const ours = `${puffin[key].toFixed(1)} ms`;
  if (typeof packaging === "string") {
    console.log(`| ${name} | ${ours} | n/a | n/a |`);
  } else {
    const ratio = `${(packaging[key] / puffin[key]).toFixed(1)}x`;
    console.log(`| ${name} | ${ours} | ${packaging[key].toFixed(1)} ms | ${ratio} |`);
  }
}
if (typeof packaging === "string") console.log(`packaging skipped: ${packaging}`);
