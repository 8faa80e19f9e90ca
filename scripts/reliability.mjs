// The reliability suite (`npm run test:reliability`): every `test/reliability/*.test.ts`, one
// file after the other (each is heavy on processes and disk; run alone, none competes with the
// others for the machine), with PUFFIN_RELIABILITY_ROUNDS rounds of each repeated scenario
// instead of `npm test`'s few. Prints each file's test counts and the figures its tests
// reported (test/support/reliability.ts), the numbers RELIABILITY.md quotes.
//
//   node scripts/reliability.mjs [--rounds N] [--seed S] [file…]
//
// Expects a build (`npm run test:reliability` builds first). Exit status 1 when any test fails.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  if (at < 0) return fallback;
  const value = args[at + 1];
  args.splice(at, 2);
  return value;
};
const rounds = option("--rounds", "50");
const seed = option("--seed", String(Date.now() % 100_000));
if (!/^[1-9]\d*$/.test(rounds)) {
  console.error(`error: --rounds must be a positive integer, not ${JSON.stringify(rounds)}`);
  process.exit(2);
}
const suite = join(root, "test", "reliability");
const files =
  args.length > 0
    ? args
    : readdirSync(suite)
        .filter((name) => name.endsWith(".test.ts"))
        .sort()
        .map((name) => relative(root, join(suite, name)));

const work = mkdtempSync(join(tmpdir(), "puffin-reliability-"));
const figuresFile = join(work, "figures.jsonl");
const env = {
  ...process.env,
  PUFFIN_RELIABILITY_ROUNDS: rounds,
  PUFFIN_RELIABILITY_SEED: seed,
  PUFFIN_RELIABILITY_FIGURES: figuresFile,
};

console.log(`Reliability suite: ${files.length} files, ${rounds} rounds, seed ${seed}\n`);
const results = [];
for (const file of files) {
  const tap = join(work, `${basename(file)}.tap`);
  const started = performance.now();
  const run = spawnSync(
    process.execPath,
    [
      "--import",
      "tsx",
      "--test",
      "--test-reporter=spec",
      "--test-reporter-destination=stdout",
      "--test-reporter=tap",
      `--test-reporter-destination=${tap}`,
      file,
    ],
    { cwd: root, env, stdio: "inherit" },
  );
  const counts = existsSync(tap) ? summary(readFileSync(tap, "utf8")) : {};
  results.push({ file, status: run.status, seconds: (performance.now() - started) / 1000, counts });
}

console.log("\n## Results\n");
console.log("| file | tests | pass | fail | skipped | seconds |");
console.log("|---|---|---|---|---|---|");
for (const { file, seconds, counts } of results) {
  const cell = (key) => counts[key] ?? "?";
  console.log(
    `| ${basename(file)} | ${cell("tests")} | ${cell("pass")} | ${cell("fail")} | ${cell("skipped")} | ${seconds.toFixed(0)} |`,
  );
}
console.log("\n## Figures\n");
const figures = existsSync(figuresFile)
  ? readFileSync(figuresFile, "utf8")
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line))
  : [];
for (const { file, test, figures: values } of figures) {
  const text = Object.entries(values)
    .map(([key, value]) => `${key} ${value}`)
    .join(", ");
  console.log(`- ${file} — ${test}: ${text}`);
}
rmSync(work, { recursive: true, force: true });
process.exit(results.every((result) => result.status === 0) ? 0 : 1);

/** The run's totals from the TAP stream's closing comments (`# pass 12`). */
function summary(text) {
  const counts = {};
  for (const match of text.matchAll(/^# (tests|pass|fail|skipped|cancelled) (\d+)$/gm)) {
    counts[match[1]] = Number(match[2]);
  }
  return counts;
}
