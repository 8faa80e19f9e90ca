// Checks a cache directory for what an interrupted or failed command must not leave behind.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** Every path under `directory`, relative to it. */
export function walk(directory: string, prefix = ""): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const relative = join(prefix, entry.name);
    return entry.isDirectory()
      ? [relative, ...walk(join(directory, entry.name), relative)]
      : [relative];
  });
}

/**
 * What is wrong with the cache at `cacheDir`: temp files or lock files left behind, or a
 * built-wheel entry (`built-wheels-v0/<kind>/<digest>/<package>/<artifact>/`) without its
 * `revision.json` and its metadata or a wheel.
 */
export function cacheProblems(cacheDir: string): string[] {
  const problems: string[] = [];
  for (const path of walk(cacheDir)) {
    const name = path.split("/").at(-1)!;
    if (name.startsWith(".puffin-tmp-")) problems.push(`temp leftover ${path}`);
    if (name.endsWith(".lock")) problems.push(`lock file left behind ${path}`);
  }
  const bucket = join(cacheDir, "built-wheels-v0");
  for (const path of walk(bucket)) {
    const parts = path.split("/");
    if (parts.length !== 4 || parts[3]!.startsWith(".")) continue;
    if (!statSync(join(bucket, path)).isDirectory()) continue;
    const files = readdirSync(join(bucket, path));
    const complete =
      files.includes("revision.json") &&
      (files.includes("metadata.json") || files.some((file) => file.endsWith(".whl")));
    if (!complete) problems.push(`partial entry ${path}: [${files.join(", ")}]`);
  }
  return problems;
}
