// Runs every `test/**/*.test.ts` with Node's own test runner, TypeScript loaded through tsx.
// Node 20's `--test` does not expand globs itself, so the files are listed here.
// Extra arguments are passed through: `node scripts/run-tests.mjs --test-name-pattern=pep440`.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;

function findTests(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      // `oracles/` holds the heaviest oracles, run by `npm run test:oracles` (CI runs both).
      const skipped = ["corpora", "fixtures", "oracles"];
      if (!skipped.includes(entry.name)) found.push(...findTests(path));
    } else if (entry.name.endsWith(".test.ts")) {
      found.push(relative(root, path));
    }
  }
  return found;
}

const args = process.argv.slice(2);
const explicit = args.filter((arg) => !arg.startsWith("-"));
const flags = args.filter((arg) => arg.startsWith("-"));
const files = explicit.length > 0 ? explicit : findTests(join(root, "test")).sort();
const result = spawnSync(process.execPath, ["--import", "tsx", "--test", ...flags, ...files], {
  cwd: root,
  stdio: "inherit",
});
process.exit(result.status ?? 1);
