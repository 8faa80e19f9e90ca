import { chmod, lstat, readdir, rmdir, stat, unlink } from "node:fs/promises";
import { join } from "node:path";

/** What a removal took away: files (symlinks count as files), directories, and file bytes. */
export interface Removal {
  files: number;
  dirs: number;
  bytes: number;
}

export function emptyRemoval(): Removal {
  return { files: 0, dirs: 0, bytes: 0 };
}

/** Adds `other` into `total` and returns `total`. */
export function addRemoval(total: Removal, other: Removal): Removal {
  total.files += other.files;
  total.dirs += other.dirs;
  total.bytes += other.bytes;
  return total;
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ENOTDIR";
}

/**
 * Whether a directory is at `path` (a link to one counts). Nothing there, or a file on the way,
 * is `false`; any other failure to look (permissions, I/O) is thrown, not taken for "no".
 */
export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

/**
 * Removes `path` (a file, a symlink — never followed — or a directory tree) and counts what
 * went. Best effort against concurrency: anything another process removes first is skipped, not
 * an error, and a directory that another process writes into meanwhile is emptied again (a few
 * times) before giving up. Read-only directories (git objects, some wheels) are made writable
 * first. A missing `path` is an empty removal.
 */
export async function removeTree(path: string): Promise<Removal> {
  const removal = emptyRemoval();
  await removeEntry(path, removal);
  return removal;
}

const DIRECTORY_ATTEMPTS = 3;

async function removeEntry(path: string, removal: Removal): Promise<void> {
  let stats: Awaited<ReturnType<typeof lstat>>;
  try {
    stats = await lstat(path);
  } catch (error) {
    if (isMissing(error)) return;
    throw error;
  }
  if (!stats.isDirectory()) {
    try {
      await unlink(path);
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    removal.files += 1;
    if (stats.isFile()) removal.bytes += stats.size;
    return;
  }
  // Best effort: if this fails, removing the children fails with EACCES, which is reported.
  if ((stats.mode & 0o700) !== 0o700) await chmod(path, stats.mode | 0o700).catch(() => {});
  for (let attempt = 1; ; attempt++) {
    let names: string[];
    try {
      names = await readdir(path);
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    await Promise.all(names.map((name) => removeEntry(join(path, name), removal)));
    try {
      await rmdir(path);
      removal.dirs += 1;
      return;
    } catch (error) {
      if (isMissing(error)) return;
      const code = (error as NodeJS.ErrnoException).code;
      if ((code !== "ENOTEMPTY" && code !== "EEXIST") || attempt >= DIRECTORY_ATTEMPTS) throw error;
    }
  }
}

/** Total size in bytes of the regular files under `path` (symlinks are not followed). */
export async function treeSize(path: string): Promise<number> {
  let stats: Awaited<ReturnType<typeof lstat>>;
  try {
    stats = await lstat(path);
  } catch (error) {
    if (isMissing(error)) return 0;
    throw error;
  }
  if (stats.isFile()) return stats.size;
  if (!stats.isDirectory()) return 0;
  let names: string[];
  try {
    names = await readdir(path);
  } catch (error) {
    if (isMissing(error)) return 0;
    throw error;
  }
  const sizes = await Promise.all(names.map((name) => treeSize(join(path, name))));
  return sizes.reduce((sum, size) => sum + size, 0);
}
