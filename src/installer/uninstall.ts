import { lstatSync, readdirSync, rmdirSync } from "node:fs";
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from "node:path";
import type { InstalledDist } from "../distribution-types/index.ts";
import { describeSystemError, log, PuffinError } from "../support/index.ts";
import { lockEnvironment } from "./environment-lock.ts";
import type { InstallLayout } from "./install-layout.ts";
import { installedFiles } from "./site-packages.ts";
import { EnvironmentTransaction, recoverEnvironment } from "./transaction.ts";

/** What uninstalling one distribution removed (absolute paths, sorted). */
export interface Uninstalled {
  readonly dist: InstalledDist;
  readonly files: readonly string[];
  readonly dirs: readonly string[];
}

export interface UninstallOptions {
  readonly layout: InstallLayout;
}

/**
 * Uninstalls distributions as one change of the environment (`pip uninstall`): under the
 * environment's lock, after rolling back an interrupted change, every removal goes through one
 * transaction, so a failure or a kill leaves every distribution installed.
 */
export async function uninstall(
  dists: readonly InstalledDist[],
  options: UninstallOptions,
): Promise<Uninstalled[]> {
  const lock = await lockEnvironment(options.layout);
  try {
    await recoverEnvironment(options.layout);
    const transaction = EnvironmentTransaction.begin(options.layout);
    try {
      const results: Uninstalled[] = [];
      for (const dist of dists)
        results.push(await removeDistribution(transaction, dist, options.layout));
      await transaction.commit();
      return results;
    } catch (error) {
      await transaction.rollback();
      throw error;
    }
  } finally {
    await lock.release();
  }
}

/**
 * Removes one distribution within `transaction`: every file its RECORD (or
 * `installed-files.txt`) lists, the bytecode compiled from listed `.py` files
 * (`__pycache__/<module>.*.pyc`), its metadata directory or file (moved to the transaction's
 * trash, so the change can be undone), and then the directories this leaves empty — never the
 * environment's scheme directories or their parents, and never anything outside the
 * environment (such rows are skipped with a warning). Files already gone are skipped.
 */
export async function removeDistribution(
  transaction: EnvironmentTransaction,
  dist: InstalledDist,
  layout: InstallLayout,
): Promise<Uninstalled> {
  try {
    return await uninstallOne(transaction, dist, layout);
  } catch (error) {
    // A read-only or foreign-owned environment: say which distribution, where, what to do.
    throw new PuffinError(
      "uninstall-failed",
      `Failed to uninstall \`${dist.name}==${dist.version}\``,
      { cause: describeSystemError(error, { area: "environment", path: dist.path }) ?? error },
    );
  }
}

async function uninstallOne(
  transaction: EnvironmentTransaction,
  dist: InstalledDist,
  layout: InstallLayout,
): Promise<Uninstalled> {
  const prefix = resolve(layout.prefix);
  const inside = (path: string) => {
    const rel = relative(prefix, path);
    return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
  };
  // The scheme directories and every directory above them, and above the headers directory
  // (`include/site`, `include`), are part of the environment, not of a distribution.
  const protectedDirs = new Set([prefix]);
  for (const dir of Object.values(layout.scheme).map((d) => resolve(d))) protectedDirs.add(dir);
  for (const dir of [...protectedDirs, resolve(layout.headers)]) {
    for (let at = dirname(dir); inside(at); at = dirname(at)) protectedDirs.add(at);
  }
  const files: string[] = [];
  const dirs: string[] = [];
  const touched = new Set<string>();
  const pycacheStems = new Map<string, Set<string>>();
  const seen = new Set<string>();
  const take = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    const stats = lstatSync(path, { throwIfNoEntry: false });
    if (stats === undefined) return;
    if (stats.isDirectory()) {
      log.warn(`Not removing ${path} (listed by ${dist.path}): it is a directory`);
      return;
    }
    files.push(path);
  };

  for (const file of await installedFiles(dist)) {
    const path = resolve(file.absolute);
    if (!inside(path)) {
      log.warn(`Not removing ${path} (listed by ${dist.path}): it is outside ${prefix}`);
      continue;
    }
    take(path);
    touched.add(dirname(path));
    if (extname(path) === ".py") {
      const dir = dirname(path);
      const stems = pycacheStems.get(dir) ?? new Set<string>();
      stems.add(basename(path, ".py"));
      pycacheStems.set(dir, stems);
    }
  }
  for (const [dir, stems] of pycacheStems) {
    const cache = join(dir, "__pycache__");
    let names: string[];
    try {
      names = readdirSync(cache);
    } catch {
      continue;
    }
    for (const name of names) {
      const dot = name.indexOf(".");
      if (dot > 0 && stems.has(name.slice(0, dot)) && name.endsWith(".pyc"))
        take(join(cache, name));
    }
    touched.add(cache);
  }
  // The metadata itself, with anything in it that RECORD did not list: moved as a whole.
  const metadata = resolve(dist.path);
  const moved = [...files];
  if (inside(metadata)) {
    const stats = lstatSync(metadata, { throwIfNoEntry: false });
    if (stats !== undefined) {
      const under = `${metadata}${sep}`;
      // Files RECORD lists inside the metadata directory move with it.
      const outside = moved.filter((path) => !path.startsWith(under));
      moved.length = 0;
      moved.push(...outside, metadata);
      if (stats.isDirectory()) dirs.push(metadata);
      else files.push(metadata);
    }
    touched.add(dirname(metadata));
  }
  // Emptied directories: every touched directory and its ancestors up to (not including) a
  // protected one, each tried once, deepest first, so a directory is tried after all of its
  // subdirectories (a directory tried earlier, while a sibling subtree was still there, would
  // otherwise be left behind).
  const candidates = new Set<string>();
  for (const start of touched) {
    for (let dir = start; inside(dir) && !protectedDirs.has(dir); dir = dirname(dir)) {
      if (candidates.has(dir)) break;
      candidates.add(dir);
    }
  }
  const depth = (path: string) => path.split(sep).length;
  transaction.remove(dist.path, moved, () => {
    for (const dir of [...candidates].sort((a, b) => depth(b) - depth(a))) {
      if (removeEmptyDir(dir)) dirs.push(dir);
    }
  });
  return { dist, files: files.sort(), dirs: dirs.sort() };
}

/**
 * Removes `dir` if it is empty (or holds only an empty `__pycache__`); false otherwise. Tries
 * `rmdir(2)` first: most directories a distribution leaves are empty by now.
 */
function removeEmptyDir(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch (error) {
    if (!isNotEmpty(error)) return ignoreGone(error);
  }
  try {
    const names = readdirSync(dir);
    if (names.length !== 1 || names[0] !== "__pycache__") return false;
    rmdirSync(join(dir, "__pycache__"));
    rmdirSync(dir);
    return true;
  } catch (error) {
    if (isNotEmpty(error)) return false;
    return ignoreGone(error);
  }
}

function isNotEmpty(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOTEMPTY" || code === "EEXIST";
}

/** False for a directory that is gone or is not one; rethrows anything else. */
function ignoreGone(error: unknown): false {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT" || code === "ENOTDIR") return false;
  throw error;
}
