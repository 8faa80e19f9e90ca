import { mkdirSync, rmdirSync, statSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { PuffinError } from "./error.ts";

/**
 * The machine's faults as Puffin errors: a write that fails because the disk is full, the file
 * system is mounted read-only, permission is denied, or a file stands where a directory must go
 * (or the reverse) is a user-facing failure (`PuffinError`, exit 1) that says what Puffin was
 * doing, where, and what to do about it — not Node's raw `ENOSPC: no space left on device,
 * write`, which names neither the file nor the operation.
 *
 * `fsError` is applied at the boundaries where the failure is final (the cache's atomic writes
 * and temp directories, the installer writing into an environment, a file the user named, a
 * new environment), after any recovery that branches on the raw `code` (`EEXIST` → move aside,
 * `ENOENT` → create the parent). Errors it does not know (`ENOENT`, `EIO`…) pass through
 * unchanged; the original error is always kept as `cause`.
 *
 * Stable codes: `disk-full` (ENOSPC, EDQUOT), `read-only-filesystem` (EROFS),
 * `permission-denied` (EACCES, EPERM), `path-collision` (EEXIST, ENOTDIR, EISDIR).
 */
export type FsFaultCode =
  | "disk-full"
  | "read-only-filesystem"
  | "permission-denied"
  | "path-collision";

/** Where the failing path belongs: it picks the hint. */
export type FsArea = "cache" | "environment" | "file";

export interface FsErrorContext {
  /** What Puffin was doing, as a verb phrase: "write", "create the directory", "install into". */
  readonly operation: string;
  /** The path the user cares about (a target rather than its temp file); "" when unknown. */
  readonly path: string;
  /** Default `file`. */
  readonly area?: FsArea;
}

interface Fault {
  readonly code: FsFaultCode;
  readonly description: string;
}

const FAULTS: Readonly<Record<string, Fault>> = {
  ENOSPC: { code: "disk-full", description: "no space left on device" },
  EDQUOT: { code: "disk-full", description: "disk quota exceeded" },
  EROFS: { code: "read-only-filesystem", description: "read-only file system" },
  EACCES: { code: "permission-denied", description: "permission denied" },
  EPERM: { code: "permission-denied", description: "operation not permitted" },
  EEXIST: { code: "path-collision", description: "a file already exists there" },
  ENOTDIR: { code: "path-collision", description: "a file is where a directory must be" },
  EISDIR: { code: "path-collision", description: "a directory is where a file must be" },
};

/** The errno code of a Node system error (`ENOSPC`…), else undefined. */
export function systemErrorCode(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as NodeJS.ErrnoException).code;
  return typeof code === "string" && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}

/**
 * The path a Node system error is about: the destination of a two-path call (`link`, `copyfile`,
 * `rename` name the source in `path` and the new name in `dest`), else its `path`.
 */
export function systemErrorPath(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const { path, dest } = error as NodeJS.ErrnoException & { dest?: unknown };
  if (typeof dest === "string") return dest;
  return typeof path === "string" ? path : undefined;
}

/** Whether `error` is one of the machine's faults that `fsError` turns into a `PuffinError`. */
export function isFsFault(error: unknown): boolean {
  const code = systemErrorCode(error);
  return code !== undefined && Object.hasOwn(FAULTS, code);
}

/**
 * `error` as a `PuffinError` naming the operation and the path — `Failed to write /x/y: no
 * space left on device (ENOSPC)` with a hint — when it is one of the faults above; otherwise
 * `error` itself, so callers can `throw fsError(error, …)` unconditionally.
 */
export function fsError(error: unknown, context: FsErrorContext): unknown {
  const errno = systemErrorCode(error);
  if (errno === undefined || !Object.hasOwn(FAULTS, errno)) return error;
  const fault = FAULTS[errno]!;
  const subject = context.path === "" ? context.operation : `${context.operation} ${context.path}`;
  return new PuffinError(fault.code, `Failed to ${subject}: ${fault.description} (${errno})`, {
    hint: hintFor(fault.code, context),
    cause: error,
  });
}

/**
 * A system error described from what Node recorded (`syscall`, `path`, `dest`), for boundaries
 * that do not know which call failed (the installer's thousands of syscalls) and as the CLI's
 * last resort, so even a fault no boundary wrapped reads as one line with exit status 1.
 * `path` stands in when the error names none (a failed `write(2)` names only its descriptor).
 * Undefined when `error` is not one of the faults.
 */
export function describeSystemError(
  error: unknown,
  options: { area?: FsArea; path?: string } = {},
): PuffinError | undefined {
  if (!isFsFault(error)) return undefined;
  const { syscall, dest } = error as NodeJS.ErrnoException & { dest?: unknown };
  const named = systemErrorPath(error);
  const path = named ?? options.path;
  // A link, copy or rename that fails creates (or fails to create) its destination.
  const verb =
    typeof dest === "string" ? "create" : (SYSCALL_OPERATIONS[syscall ?? ""] ?? "access");
  const operation =
    path === undefined ? `${verb} a file` : named === undefined ? `${verb} in` : verb;
  return fsError(error, {
    operation,
    path: path ?? "",
    ...(options.area === undefined ? {} : { area: options.area }),
  }) as PuffinError;
}

/** Node's `syscall` names as the verbs of a message. */
const SYSCALL_OPERATIONS: Readonly<Record<string, string>> = {
  open: "open",
  read: "read",
  write: "write",
  mkdir: "create the directory",
  mkdtemp: "create a temporary directory in",
  rename: "rename",
  link: "link",
  symlink: "create the link",
  copyfile: "copy",
  unlink: "remove",
  rmdir: "remove",
  rm: "remove",
  chmod: "change the permissions of",
  fsync: "write",
  close: "write",
  scandir: "read the directory",
  utime: "update",
};

function hintFor(code: FsFaultCode, context: FsErrorContext): string {
  const area = context.area ?? "file";
  switch (code) {
    case "disk-full":
      return area === "cache"
        ? "The disk holding Puffin's cache is full: free some space, or put the cache on another disk with `--cache-dir` or `PUFFIN_CACHE_DIR`"
        : "The disk is full: free some space and try again";
    case "read-only-filesystem":
      return area === "cache"
        ? "Puffin's cache is on a read-only file system: point `--cache-dir` or `PUFFIN_CACHE_DIR` at a writable directory, or use `--no-cache`"
        : area === "environment"
          ? "The environment is on a read-only file system: Puffin cannot change it; create a writable one with `puffin venv`"
          : "The file system is mounted read-only: write somewhere else";
    case "permission-denied":
      return area === "cache"
        ? "Check the ownership and permissions of Puffin's cache, or point `--cache-dir` or `PUFFIN_CACHE_DIR` at a directory you own"
        : area === "environment"
          ? "Permission denied: check the ownership of the environment, or install into a virtual environment you own (`puffin venv`)"
          : "Permission denied: check the ownership and permissions of the path";
    case "path-collision":
      return "Something else is in the way at that path (a file where a directory must go, or the reverse): move it away and try again";
  }
}

/**
 * `mkdir -p` that reports why it failed. Node's recursive `mkdir` says `ENOENT` when the file
 * system refused to create a directory (EROFS, EACCES, ENOSPC…), which reads as a race and names
 * no fault; on that answer, the first missing directory is created alone to learn the real
 * error. Returns the first directory created, as `mkdirSync` does.
 */
export function makeDirectorySync(path: string): string | undefined {
  try {
    return mkdirSync(path, { recursive: true });
  } catch (error) {
    throw recursiveMkdirError(path, error);
  }
}

/** `makeDirectorySync`, asynchronous. */
export async function makeDirectory(path: string): Promise<string | undefined> {
  try {
    return await mkdir(path, { recursive: true });
  } catch (error) {
    throw recursiveMkdirError(path, error);
  }
}

function recursiveMkdirError(path: string, error: unknown): unknown {
  if (systemErrorCode(error) !== "ENOENT") return error;
  let missing = resolve(path);
  for (;;) {
    const parent = dirname(missing);
    if (parent === missing) return error;
    if (statSync(parent, { throwIfNoEntry: false }) !== undefined) break;
    missing = parent;
  }
  try {
    mkdirSync(missing);
  } catch (real) {
    return real;
  }
  // It could be created after all (the parent came back meanwhile): the ENOENT was a race.
  rmdirSync(missing);
  return error;
}
