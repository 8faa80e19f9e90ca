// Unzipping real wheels of the offline index into a fresh cache (`unzipWheel`: hash the file,
// read the central directory and RECORD, inflate, verify and write every member, publish).
//   node --import tsx bench/unzip.ts [runs] [wheel-name-prefix…]
// Each wheel is unzipped `runs` times (default 5), each time into an empty cache that is removed
// afterwards, outside the timed part; reported: the median wall time per wheel and the process's
// peak RSS at the end. Without prefixes, a fixed set of common wheels is measured.
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Cache } from "../src/cache/index.ts";
import { unzipWheel } from "../src/distribution/unzip-wheel.ts";
import { median, msSince } from "./measure.ts";

const runs = Number(process.argv[2] ?? 5);
const prefixes =
  process.argv.length > 3
    ? process.argv.slice(3)
    : ["numpy-2.4.6", "pandas-3.0.6", "django-5.2.17", "scipy-1.17.1", "botocore-", "sympy-"];
const ROOTS = ["/opt/pypi/files", "/opt/pypi-more/files", "/opt/wheels"];

const all = ROOTS.filter((root) => existsSync(root)).flatMap((root) =>
  readdirSync(root)
    .filter((file) => file.endsWith(".whl"))
    .map((file) => ({ file, path: join(root, file) })),
);
const wheels = prefixes.flatMap((prefix) => {
  const found = all.find(({ file }) => file.startsWith(prefix));
  return found === undefined ? [] : [found];
});
if (wheels.length === 0) {
  console.error(
    `No offline index wheels found (looked in ${ROOTS.join(", ")}): nothing to measure.`,
  );
  process.exit(0);
}

let total = 0;
for (const { file, path } of wheels) {
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) {
    const root = mkdtempSync(join(tmpdir(), "puffin-bench-unzip-"));
    try {
      const start = process.hrtime.bigint();
      await unzipWheel({ wheel: path, cache: Cache.at(root) });
      samples.push(msSince(start));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
  total += median(samples);
  console.log(`${median(samples).toFixed(1).padStart(8)} ms  ${file}`);
}
console.log(`${total.toFixed(1).padStart(8)} ms  total of medians`);
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
