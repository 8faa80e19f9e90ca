// Wheel METADATA through the registry client on the offline index (DESIGN.md §7): every wheel
// of /opt/pypi/simple and /opt/pypi-more/simple via their `file://` index pages, first with an
// empty cache (read in place: central directory + one entry, then written to `wheels-v0`), then
// warm (the cache entry, valid while the wheel's mtime and size are unchanged).
//   node --import tsx bench/metadata.ts [runs]
// Reported per pass: wheels, median and 95th percentile per wheel, and the total of the per-wheel
// times (page reads excluded), each the median over `runs` runs with a fresh cache per run.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { errorChain } from "../src/support/index.ts";
import {
  OFFLINE_INDEXES,
  presentOfflineIndexes,
  readOfflineIndexes,
  type WheelRead,
} from "../test/support/offline-index.ts";
import { median } from "./measure.ts";

const runs = Number(process.argv[2] ?? 3);
if (presentOfflineIndexes().length === 0) {
  console.error(
    `No offline index found (looked in ${OFFLINE_INDEXES.join(", ")}): nothing to measure.`,
  );
  process.exit(0);
}

type Figures = { wheels: number; perWheel: number; p95: number; total: number };

function figures(reads: readonly WheelRead[]): Figures {
  const failed = reads.filter((read) => read.error !== undefined);
  if (failed.length > 0) {
    const first = failed[0]!;
    throw new Error(
      `${failed.length} wheels failed, e.g. ${first.filename}: ${errorChain(first.error).join(": ")}`,
    );
  }
  const times = reads.map((read) => read.ms).sort((a, b) => a - b);
  return {
    wheels: reads.length,
    perWheel: median(times),
    p95: times[Math.floor(times.length * 0.95)]!,
    total: times.reduce((sum, ms) => sum + ms, 0),
  };
}

const cold: Figures[] = [];
const warm: Figures[] = [];
for (let run = 0; run < runs; run++) {
  const cacheDir = mkdtempSync(join(tmpdir(), "puffin-bench-metadata-"));
  try {
    cold.push(figures(await readOfflineIndexes(cacheDir)));
    warm.push(figures(await readOfflineIndexes(cacheDir)));
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

const row = (label: string, samples: Figures[]) => {
  const pick = (key: keyof Figures) => median(samples.map((s) => s[key]));
  console.log(
    `${label.padEnd(6)} ${String(pick("wheels")).padStart(6)} ${pick("perWheel").toFixed(3).padStart(10)} ${pick("p95").toFixed(3).padStart(10)} ${pick("total").toFixed(0).padStart(9)}`,
  );
};
console.log(
  `Wheel METADATA via the file:// index (${presentOfflineIndexes().join(", ")}), median of ${runs} runs`,
);
console.log(
  `${"cache".padEnd(6)} ${"wheels".padStart(6)} ${"ms/wheel".padStart(10)} ${"p95 ms".padStart(10)} ${"total ms".padStart(9)}`,
);
row("cold", cold);
row("warm", warm);
