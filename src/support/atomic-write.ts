import { mkdir, open, readlink, realpath, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { removeTree } from "./file-tree.ts";
import { type FsArea, fsError, makeDirectory } from "./fs-error.ts";
import { nodeCrypto } from "./node-crypto.ts";

/**
 * Atomic writes: a reader sees the old content or the new content, never a partial one, and a
 * process killed mid-write leaves only a temp file behind (which `cache prune` removes).
 *
 * Every temp file or directory is created next to its target (same directory, so the same
 * filesystem, so `rename(2)` is atomic) and named `.puffin-tmp-<pid>-<counter>-<random>`: the
 * pid lets a cleaner tell whether its writer still runs, the per-process counter makes names
 * unique within a process, the random part keeps a reused pid from colliding with a leftover.
 */
const TEMP_PREFIX = ".puffin-tmp-";
let tempCounter = 0;

/** A fresh temp name (not a path) for this process. */
export function tempName(): string {
  tempCounter += 1;
  const random = nodeCrypto().randomBytes(4).toString("hex");
  return `${TEMP_PREFIX}${process.pid}-${tempCounter}-${random}`;
}

/** The writer's pid if `name` is one of our temp names, else undefined. */
export function tempNameOwner(name: string): number | undefined {
  if (!name.startsWith(TEMP_PREFIX)) return undefined;
  const match = /^(\d+)-\d+-[0-9a-f]+$/.exec(name.slice(TEMP_PREFIX.length));
  return match === null ? undefined : Number(match[1]);
}

export interface AtomicWriteOptions {
  /**
   * fsync the file before the rename and the directory after it, so the new content survives a
   * power loss. Off by default: cache readers treat a torn entry as missing, so cache writes do
   * not pay for it; files a user owns (an output requirements file) should turn it on.
   */
  durable?: boolean;
  /** The file's permission bits, set exactly (default: 0o666 minus the umask, as for any new file). */
  mode?: number;
  /** Where the file belongs, for the hint of a disk-full or read-only failure (default `file`). */
  area?: FsArea;
}

/**
 * Writes `data` to `path` atomically (temp file in the same directory, then rename), creating
 * missing parent directories. Concurrent writers of one path each succeed; the last rename wins.
 *
 * A failure (a full disk, a read-only file system, a denied permission) leaves the previous
 * content of `path` as it was and no temp file behind, and is reported as `fsError` describes
 * it: `Failed to write <path>: no space left on device (ENOSPC)`.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const directory = dirname(path);
  const temp = join(directory, tempName());
  try {
    const handle = await open(temp, "wx", options.mode ?? 0o666).catch(async (error) => {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      await makeDirectory(directory);
      return open(temp, "wx", options.mode ?? 0o666);
    });
    try {
      try {
        await handle.writeFile(data);
        if (options.mode !== undefined) await handle.chmod(options.mode);
        if (options.durable) await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, path);
    } catch (error) {
      // The first failure is the one to report; a temp that cannot be removed either is left
      // for `cache prune`, which recognises its name.
      await rm(temp, { force: true }).catch(() => {});
      throw error;
    }
    if (options.durable) await syncDirectory(directory);
  } catch (error) {
    throw fsError(error, { operation: "write", path, area: options.area ?? "file" });
  }
}

/**
 * Writes a file the user named (`pip compile -o FILE`) the way they expect it written, not by
 * replacing the name blindly: a regular file is replaced atomically and durably, keeping its
 * permission bits; a symbolic link keeps pointing where it did, and the file it points to is
 * written (created, if the link dangles); a device, FIFO or socket (`-o /dev/null`,
 * `-o /dev/stdout`) is written in place, since renaming over it would replace the device with a
 * file. A missing file is created.
 */
export async function writeUserFile(path: string, data: string | Uint8Array): Promise<void> {
  let target = path;
  let mode: number | undefined;
  try {
    target = await realpath(path);
    const info = await stat(target);
    if (!info.isFile()) {
      await writeFile(target, data);
      return;
    }
    mode = info.mode & 0o7777;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
      throw fsError(error, { operation: "write", path: target, area: "file" });
    }
    const link = await readlink(path).catch(() => undefined);
    if (link !== undefined) target = resolve(dirname(path), link);
  }
  await writeFileAtomic(target, data, { durable: true, mode, area: "file" });
}

/** fsync a directory so a rename in it is durable (Linux and macOS allow opening a directory). */
async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Creates an empty temp directory inside `parent` (created if missing) and returns its path.
 * Failures read as `fsError` describes them; `area` picks their hint (default `cache`: every
 * temp directory Puffin makes is staged in a cache bucket).
 */
export async function createTempDirectory(parent: string, area: FsArea = "cache"): Promise<string> {
  try {
    await makeDirectory(parent);
    const path = join(parent, tempName());
    await mkdir(path);
    return path;
  } catch (error) {
    throw fsError(error, { operation: "create a temporary directory in", path: parent, area });
  }
}

/** What `publishDirectory` did. */
export type PublishOutcome = "published" | "existing";

/**
 * Moves a fully built directory into place at `target`, atomically. If `target` already exists
 * (another process published it first), the existing one is kept and ours is removed: the first
 * writer wins, as in uv, so a path that was handed out never changes under its readers.
 *
 * `source` must be on the same filesystem as `target` (build it with `createTempDirectory` in
 * the target's bucket). Missing parents of `target` are created. POSIX `rename(2)` replaces an
 * existing *empty* directory; an empty directory is never a published entry, so that is fine.
 * When the move fails (a read-only file system, a denied permission), `source` is removed, so no
 * staged tree is left behind, and the failure reads as `fsError` describes it.
 */
export async function publishDirectory(
  source: string,
  target: string,
  area: FsArea = "cache",
): Promise<PublishOutcome> {
  for (let attempt = 0; ; attempt++) {
    try {
      await rename(source, target);
      return "published";
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOTEMPTY" || code === "EEXIST" || code === "ENOTDIR") {
        await removeTree(source);
        return "existing";
      }
      if (code === "ENOENT" && attempt === 0) {
        try {
          await makeDirectory(dirname(target));
        } catch (mkdirError) {
          await removeTree(source).catch(() => {});
          throw fsError(mkdirError, {
            operation: "create the directory",
            path: dirname(target),
            area,
          });
        }
        continue;
      }
      await removeTree(source).catch(() => {});
      throw fsError(error, { operation: "move into place", path: target, area });
    }
  }
}
