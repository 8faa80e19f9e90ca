import { lstatSync, readdirSync, rmdirSync, unlinkSync } from "node:fs";
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from "node:path";
import type { InstalledDist } from "../distribution-types/index.ts";
import { describeSystemError, log, PuffinError, removeTree } from "../support/index.ts";
import type { InstallLayout } from "./install-layout.ts";
import { lockEnvironment } from "./install-wheels.ts";
import { installedFiles } from "./site-packages.ts";

/** What uninstalling one distribution removed (absolute paths, sorted). */
export interface Uninstalled {
  readonly dist: InstalledDist;
  readonly files: readonly string[];
  readonly dirs: readonly string[];
}

export interface UninstallOptions {
  readonly layout: InstallLayout;
  /** The caller already holds the environment lock (`lockEnvironment`). */
  readonly lockHeld?: boolean;
}

/**
 * Removes distributions: every file their RECORD (or `installed-files.txt`) lists, the bytecode
 * compiled from listed `.py` files (`__pycache__/<module>.*.pyc`), their metadata directory or
 * file, and the directories this leaves empty — never the environment's scheme directories or
 * their parents, and never anything outside the environment (such rows are skipped with a
 * warning). Files already gone are skipped.
 */
export async function uninstall(
  dists: readonly InstalledDist[],
  options: UninstallOptions,
): Promise<Uninstalled[]> {
  const lock = options.lockHeld ? undefined : await lockEnvironment(options.layout);
  try {
    const results: Uninstalled[] = [];
    for (const dist of dists) {
      try {
        results.push(await uninstallOne(dist, options.layout));
      } catch (error) {
        // A read-only or foreign-owned environment: say where, and what to do.
        const fault = describeSystemError(error, { area: "environment", path: dist.path });
        if (fault === undefined) throw error;
        throw new PuffinError(
          "uninstall-failed",
          `Failed to uninstall \`${dist.name}==${dist.version}\``,
          { cause: fault },
        );
      }
    }
    return results;
  } finally {
    await lock?.release();
  }
}

async function uninstallOne(dist: InstalledDist, layout: InstallLayout): Promise<Uninstalled> {
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

  for (const file of await installedFiles(dist)) {
    const path = resolve(file.absolute);
    if (!inside(path)) {
      log.warn(`Not removing ${path} (listed by ${dist.path}): it is outside ${prefix}`);
      continue;
    }
    if (removeFile(path)) files.push(path);
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
      if (dot > 0 && stems.has(name.slice(0, dot)) && name.endsWith(".pyc")) {
        const path = join(cache, name);
        if (removeFile(path)) files.push(path);
      }
    }
    touched.add(cache);
  }
  // The metadata itself, with anything in it that RECORD did not list.
  if (inside(resolve(dist.path))) {
    const stats = lstatSync(dist.path, { throwIfNoEntry: false });
    if (stats?.isDirectory()) {
      const removal = await removeTree(dist.path);
      if (removal.dirs > 0) dirs.push(resolve(dist.path));
    } else if (stats !== undefined && removeFile(dist.path)) {
      files.push(resolve(dist.path));
    }
    touched.add(dirname(resolve(dist.path)));
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
  for (const dir of [...candidates].sort((a, b) => depth(b) - depth(a))) {
    if (removeEmptyDir(dir)) dirs.push(dir);
  }
  return { dist, files: files.sort(), dirs: dirs.sort() };
}

/**
 * Removes one file. Blocking, as the whole removal loop: an `unlink(2)` takes microseconds and a
 * distribution has up to thousands of files, where a promise per call costs more than the call.
 */
function removeFile(path: string): boolean {
  try {
    unlinkSync(path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return false;
    // Linux says EISDIR for a directory, macOS EPERM; an EPERM on anything else (an immutable
    // file, a sticky directory) is a refusal to report.
    if (code === "EISDIR" || (code === "EPERM" && isDirectory(path))) {
      log.warn(`Not removing ${path}: it is a directory`);
      return false;
    }
    throw error;
  }
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

function isDirectory(path: string): boolean {
  return lstatSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
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
