import { stat } from "node:fs/promises";

/**
 * The freshness key of a local file: an entry derived from it (a local wheel's metadata, an
 * interpreter probe, a path sdist's build) stays valid while the file at `path` has the same
 * mtime and size. Size catches same-second rewrites on filesystems with coarse mtimes. For a
 * directory source, the stamp sees only changes to the directory entry itself, not to the files
 * below it; callers that build from a tree stamp the files that matter (e.g. `pyproject.toml`).
 */
export interface FileStamp {
  path: string;
  mtimeMs: number;
  size: number;
}

/** The current stamp of `path`, or undefined if it does not exist. */
export async function fileStamp(path: string): Promise<FileStamp | undefined> {
  try {
    const stats = await stat(path);
    return { path, mtimeMs: stats.mtimeMs, size: stats.size };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw error;
  }
}

/** Whether the file still has the stamp recorded in a cache entry. */
export async function isStampCurrent(stamp: FileStamp): Promise<boolean> {
  const current = await fileStamp(stamp.path);
  return current !== undefined && current.mtimeMs === stamp.mtimeMs && current.size === stamp.size;
}

/** Type guard for a stamp read back from a cache entry. */
export function isFileStamp(value: unknown): value is FileStamp {
  if (typeof value !== "object" || value === null) return false;
  const { path, mtimeMs, size } = value as Record<string, unknown>;
  return typeof path === "string" && typeof mtimeMs === "number" && typeof size === "number";
}
