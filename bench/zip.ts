// Reading METADATA from every wheel of the offline index: Puffin's zip reader (sync and async
// file reads) next to Python's zipfile, measured in the same run over the same wheels.
//   node --import tsx bench/zip.ts [runs]
// Each wheel is timed alone (open, central directory, find `*.dist-info/METADATA`, inflate,
// CRC check, close); reported: the median per wheel over all wheels and runs, and the total of
// one pass (median over runs). Python does the same with `zipfile.ZipFile(path).read(name)`.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { FileZipSource, readWheelMetadata, readWheelMetadataSync } from "../src/zip/index.ts";
import { median, msSince } from "./measure.ts";

const runs = Number(process.argv[2] ?? 5);
const ROOTS = ["/opt/pypi/files", "/opt/pypi-more/files", "/opt/wheels"];

const wheels = ROOTS.filter((root) => existsSync(root)).flatMap((root) =>
  readdirSync(root, { recursive: true })
    .map(String)
    .filter((file) => file.endsWith(".whl"))
    .map((file) => join(root, file)),
);
if (wheels.length === 0) {
  console.error(`No offline index found (looked in ${ROOTS.join(", ")}): nothing to measure.`);
  process.exit(0);
}

type Figures = { perWheel: number; pass: number };

async function measure(read: (path: string) => unknown | Promise<unknown>): Promise<Figures> {
  const perWheel: number[] = [];
  const passes: number[] = [];
  for (let run = 0; run < runs; run++) {
    const passStart = process.hrtime.bigint();
    for (const wheel of wheels) {
      const start = process.hrtime.bigint();
      await read(wheel);
      perWheel.push(msSince(start));
    }
    passes.push(msSince(passStart));
  }
  return { perWheel: median(perWheel), pass: median(passes) };
}

const sync = await measure((path) => {
  using source = FileZipSource.open(path);
  return readWheelMetadataSync(source);
});
const asyncReads = await measure(async (path) => {
  using source = FileZipSource.open(path);
  return await readWheelMetadata(source);
});

const PYTHON = `
import statistics, sys, time, zipfile
paths = sys.stdin.read().split("\\n")
runs = int(sys.argv[1])
per_wheel, passes = [], []
for _ in range(runs):
    pass_start = time.perf_counter_ns()
    for path in paths:
        start = time.perf_counter_ns()
        with zipfile.ZipFile(path) as z:
            tops = {n.split("/")[0] for n in z.namelist() if "/" in n and n.split("/")[0].endswith(".dist-info")}
            [top] = tops
            z.read(top + "/METADATA")
        per_wheel.append((time.perf_counter_ns() - start) / 1e6)
    passes.append((time.perf_counter_ns() - pass_start) / 1e6)
print(statistics.median_low(per_wheel), statistics.median_low(passes))
`;
const python = spawnSync("python3", ["-c", PYTHON, String(runs)], {
  input: wheels.join("\n"),
  encoding: "utf8",
});
const pythonFigures =
  python.status === 0
    ? (() => {
        const [perWheel, pass] = python.stdout.trim().split(" ").map(Number);
        return { perWheel: perWheel!, pass: pass! };
      })()
    : undefined;
const pythonVersion = spawnSync("python3", ["--version"], { encoding: "utf8" }).stdout.trim();

console.log(
  `METADATA from ${wheels.length} wheels, ${runs} runs (node ${process.version}, ${pythonVersion || "no python3"})`,
);
const rows: [string, Figures | undefined][] = [
  ["puffin zip (sync reads)", sync],
  ["puffin zip (async reads)", asyncReads],
  ["python zipfile", pythonFigures],
];
for (const [what, figures] of rows) {
  if (figures === undefined) {
    console.log(`${what.padEnd(26)} not measured: ${python.stderr.trim() || "python3 not found"}`);
    continue;
  }
  const ratio =
    pythonFigures === undefined
      ? ""
      : `  ${(pythonFigures.perWheel / figures.perWheel).toFixed(1)}× vs python`;
  console.log(
    `${what.padEnd(26)} median ${figures.perWheel.toFixed(3)} ms/wheel, one pass ${figures.pass.toFixed(0)} ms${ratio}`,
  );
}
