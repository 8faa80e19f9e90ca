import { readFileSync, unlinkSync } from "node:fs";
import { open, readFile, stat, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { PuffinError } from "./error.ts";
import { type FsArea, fsError, makeDirectory } from "./fs-error.ts";
import { nodeCrypto } from "./node-crypto.ts";
import { isProcessAlive } from "./process-liveness.ts";

/**
 * An advisory, exclusive, cross-process lock (Node has no `flock`).
 *
 * The lock is a file created with `O_CREAT|O_EXCL` (`wx`), which exactly one process can do; it
 * holds the holder's pid, hostname, acquisition time and a random token. Waiters poll with
 * exponential backoff up to a timeout. The lock is released by `release()`, or by an `exit`
 * handler if the process ends normally while holding it.
 *
 * A process killed by a signal cannot clean up, so a lock is *stale* — and taken over — when its
 * holder ran on this host and that pid no longer runs, or when the file is still empty or
 * unparsable after a grace period (its creator died between create and write). Taking over is
 * itself guarded by a short-lived `<lock>.takeover` file, so two waiters that both see a stale
 * lock cannot remove each other's fresh one.
 *
 * Limits (documented, accepted): a lock held from another host is never considered stale (its
 * pid means nothing here), so a crashed remote holder needs the file removed by hand — the
 * timeout error names it; a pid reused by an unrelated process keeps a stale lock alive until
 * that process exits; the lock is not reentrant (acquiring it twice in one process waits for the
 * first to be released); and it is advisory: only code that takes it is excluded.
 */
export interface LockHolder {
  pid: number;
  hostname: string;
  /** Milliseconds since the epoch. */
  acquiredAt: number;
  token: string;
}

export interface LockOptions {
  /** Give up after this long (default five minutes). */
  timeoutMs?: number;
  /** Called once when the lock is found held, before waiting (the CLI prints "Waiting…"). */
  onWait?: (path: string, holder: LockHolder | undefined) => void;
  /** What the lock guards, for the hint when it cannot be created (see `fsError`). */
  area?: FsArea;
}

/** An unparsable lock file younger than this may still be being written by its creator. */
const INCOMPLETE_GRACE_MS = 2_000;
/** A takeover guard older than this was left by a process that died while taking over. */
const TAKEOVER_GRACE_MS = 10_000;
const FIRST_DELAY_MS = 5;
const MAX_DELAY_MS = 500;

const heldLocks = new Map<string, string>();
let exitHandlerInstalled = false;

export class FileLock {
  private released = false;

  private constructor(
    readonly path: string,
    private readonly token: string,
  ) {
    heldLocks.set(path, token);
    installExitHandler();
  }

  /** Takes the lock at `path`, waiting for its holder; fails with `lock-timeout`. */
  static async acquire(path: string, options: LockOptions = {}): Promise<FileLock> {
    const deadline = Date.now() + (options.timeoutMs ?? 300_000);
    let delay = FIRST_DELAY_MS;
    let waited = false;
    for (;;) {
      const attempt = await attemptLock(path, options.area);
      if ("token" in attempt) return new FileLock(path, attempt.token);
      if (!waited) {
        waited = true;
        options.onWait?.(path, attempt.holder);
      }
      if (Date.now() >= deadline) throw lockTimeout(path, attempt.holder, options.timeoutMs);
      await sleep(Math.min(delay, Math.max(1, deadline - Date.now())));
      delay = Math.min(delay * 2, MAX_DELAY_MS);
    }
  }

  /** Takes the lock if it is free (or stale); otherwise resolves to undefined at once. */
  static async tryAcquire(path: string, area?: FsArea): Promise<FileLock | undefined> {
    const attempt = await attemptLock(path, area);
    return "token" in attempt ? new FileLock(path, attempt.token) : undefined;
  }

  /** Who holds the lock at `path` now, if anyone (and the file is readable). */
  static async holder(path: string): Promise<LockHolder | undefined> {
    return (await readLock(path))?.holder;
  }

  /** Releases the lock. Idempotent; never removes a lock that another process has taken over. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    heldLocks.delete(this.path);
    const current = await readLock(this.path);
    if (current?.holder?.token !== this.token) return;
    await unlink(this.path).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error;
    });
  }
}

interface LockFileState {
  raw: string;
  holder: LockHolder | undefined;
  mtimeMs: number;
}

/** One try: the lock file is ours (`token`), or someone else's (`holder`, if readable). */
async function attemptLock(
  path: string,
  area: FsArea = "file",
): Promise<{ token: string } | { holder: LockHolder | undefined }> {
  for (;;) {
    const token = nodeCrypto().randomBytes(8).toString("hex");
    let created: boolean;
    try {
      created = await createLockFile(path, token);
    } catch (error) {
      throw fsError(error, { operation: "create the lock file", path, area });
    }
    if (created) return { token };
    const state = await readLock(path);
    if (state === undefined) continue; // Released between our create and read: try again.
    if (!isStale(path, state)) return { holder: state.holder };
    await takeOver(path, state);
  }
}

/**
 * Creates the lock file with our identity; false if it already exists. A lock file that cannot
 * be written in full (a full disk) is removed again, so nobody waits for an empty one.
 */
async function createLockFile(path: string, token: string): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, "wx");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return false;
    if (code !== "ENOENT") throw error;
    await makeDirectory(dirname(path));
    return createLockFile(path, token);
  }
  const holder: LockHolder = {
    pid: process.pid,
    hostname: hostname(),
    acquiredAt: Date.now(),
    token,
  };
  try {
    try {
      await handle.writeFile(`${JSON.stringify(holder)}\n`);
    } finally {
      await handle.close();
    }
  } catch (error) {
    await unlink(path).catch(() => {});
    throw error;
  }
  return true;
}

async function readLock(path: string): Promise<LockFileState | undefined> {
  try {
    const [raw, stats] = await Promise.all([readFile(path, "utf8"), stat(path)]);
    return { raw, holder: parseHolder(raw), mtimeMs: stats.mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

function parseHolder(raw: string): LockHolder | undefined {
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value !== "object" || value === null) return undefined;
    const { pid, hostname, acquiredAt, token } = value as Record<string, unknown>;
    if (
      typeof pid === "number" &&
      typeof hostname === "string" &&
      typeof acquiredAt === "number" &&
      typeof token === "string"
    ) {
      return { pid, hostname, acquiredAt, token };
    }
  } catch {
    // Empty or partially written: judged by its age in `isStale`.
  }
  return undefined;
}

function isStale(path: string, { holder, mtimeMs }: LockFileState): boolean {
  if (holder === undefined) return Date.now() - mtimeMs > INCOMPLETE_GRACE_MS;
  if (holder.hostname !== hostname()) return false;
  // Our own pid: held if it is one of our live locks, else a leftover of an earlier process
  // that had the same pid.
  if (holder.pid === process.pid) return heldLocks.get(path) !== holder.token;
  return !isProcessAlive(holder.pid);
}

/** Removes a stale lock, unless it changed since we judged it (guarded, see the class doc). */
async function takeOver(path: string, stale: LockFileState): Promise<void> {
  const guard = `${path}.takeover`;
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(guard, "wx");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const guardStats = await stat(guard).catch(() => undefined);
    if (guardStats !== undefined && Date.now() - guardStats.mtimeMs > TAKEOVER_GRACE_MS) {
      await unlink(guard).catch(() => {});
    }
    await sleep(FIRST_DELAY_MS);
    return;
  }
  try {
    await handle.close();
    const current = await readLock(path);
    if (current !== undefined && current.raw === stale.raw) {
      await unlink(path).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== "ENOENT") throw error;
      });
    }
  } finally {
    await unlink(guard).catch(() => {});
  }
}

function lockTimeout(path: string, holder: LockHolder | undefined, timeoutMs?: number) {
  const seconds = Math.round((timeoutMs ?? 300_000) / 1000);
  const by =
    holder === undefined
      ? ""
      : ` (held by process ${holder.pid} on ${holder.hostname} since ${new Date(holder.acquiredAt).toISOString()})`;
  return new PuffinError(
    "lock-timeout",
    `Timed out after ${seconds}s waiting for the lock at ${path}${by}`,
    {
      hint: `If no Puffin process is running, remove ${path}`,
    },
  );
}

/** Releases held locks when the process exits normally (synchronously: `exit` allows no I/O). */
function installExitHandler(): void {
  if (exitHandlerInstalled) return;
  exitHandlerInstalled = true;
  process.once("exit", () => {
    for (const [path, token] of heldLocks) {
      try {
        if (parseHolder(readFileSync(path, "utf8"))?.token === token) unlinkSync(path);
      } catch {
        // The lock is gone or unreadable; nothing of ours to release.
      }
    }
  });
}
