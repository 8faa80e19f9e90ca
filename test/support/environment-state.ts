// What an environment holds, checked the strict way: exactly the expected distributions, every
// file their RECORD lists present with its hash, no file that no RECORD lists, and nothing a
// change leaves behind while it runs (a transaction journal, a staging directory). Used by the
// reliability tests that kill installs at random instants and check the next run converges.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

/** The problems found; empty when the environment holds exactly `expected` (`name==version`). */
export function environmentProblems(
  prefix: string,
  sitePackages: string,
  expected: readonly string[],
): string[] {
  const problems: string[] = [];
  if (existsSync(join(prefix, ".puffin-transaction"))) problems.push("a transaction is pending");
  const entries = readdirSync(sitePackages);
  for (const name of entries) {
    if (name.startsWith(".puffin-tmp-")) problems.push(`staging left behind: ${name}`);
  }
  const distInfos = entries.filter((name) => name.endsWith(".dist-info"));
  const found = distInfos
    .map((name) => name.slice(0, -".dist-info".length).replace("-", "=="))
    .sort();
  if (found.join(" ") !== [...expected].sort().join(" ")) {
    problems.push(`holds ${found.join(" ")}, expected ${[...expected].sort().join(" ")}`);
  }
  const listed = new Set<string>();
  for (const distInfo of distInfos) {
    const recordPath = join(sitePackages, distInfo, "RECORD");
    if (!existsSync(recordPath)) {
      problems.push(`${distInfo} has no RECORD`);
      continue;
    }
    for (const line of readFileSync(recordPath, "utf8").split("\n")) {
      const [path, hash] = line.split(",");
      if (path === undefined || path === "") continue;
      const absolute = join(sitePackages, path);
      listed.add(relative(sitePackages, absolute));
      if (hash === undefined || hash === "") continue;
      if (!existsSync(absolute)) {
        problems.push(`${distInfo} lists ${path}, which is missing`);
        continue;
      }
      const [algorithm, digest] = hash.split("=", 2) as [string, string];
      const actual = createHash(algorithm).update(readFileSync(absolute)).digest("base64url");
      if (actual !== digest) problems.push(`${path} does not match ${distInfo}/RECORD`);
    }
  }
  for (const file of filesUnder(sitePackages)) {
    if (file.includes("__pycache__")) continue;
    if (!listed.has(file)) problems.push(`${file} belongs to no distribution`);
  }
  return problems;
}

function filesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => !entry.isDirectory())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));
}
