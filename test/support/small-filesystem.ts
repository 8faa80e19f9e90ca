// A small filesystem of its own for tests of a full disk and a read-only filesystem: a tmpfs
// mounted on a fresh directory (which needs root: the tests that use one skip with the reason
// where mounting is not possible), unmounted after the test file.
//
//   const fs = smallFilesystem("cache", 1024);   // 1 MiB
//   if (typeof fs === "string") skip(fs) …
//   fs.fill();               // every block taken: the next write fails with ENOSPC
//   fs.readOnly();           // remounted read-only: every write fails with EROFS
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";

export interface SmallFilesystem {
  /** The mount point. */
  readonly path: string;
  /** Takes every free block (a file `filler` at the root), so the next write fails ENOSPC. */
  fill(): void;
  /** Gives the blocks back. */
  unfill(): void;
  /** Remounts it read-only (EROFS) or writable again. */
  readOnly(readOnly?: boolean): void;
}

/**
 * A tmpfs of `sizeKiB` mounted on a new temp directory, or the reason it cannot be (not root, no
 * permission to mount: a container without CAP_SYS_ADMIN). Call at module level; it is unmounted
 * and removed after the file's tests.
 */
export function smallFilesystem(prefix: string, sizeKiB: number): SmallFilesystem | string {
  if (process.platform !== "linux") return "tmpfs mounts are Linux-only";
  if (process.getuid?.() !== 0) return "mounting a small tmpfs needs root";
  const path = mkdtempSync(join(tmpdir(), `puffin-${prefix}-fs-`));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${sizeKiB}k,mode=0755`, "tmpfs", path], {
      stdio: "pipe",
    });
  } catch (error) {
    rmSync(path, { recursive: true, force: true });
    return `cannot mount a tmpfs here: ${String((error as { stderr?: unknown }).stderr ?? error).trim()}`;
  }
  after(() => {
    try {
      execFileSync("umount", [path], { stdio: "pipe" });
    } catch {
      execFileSync("umount", ["-l", path], { stdio: "pipe" });
    }
    rmSync(path, { recursive: true, force: true });
  });
  const filler = join(path, "filler");
  return {
    path,
    fill() {
      const chunk = Buffer.alloc(4096, 1);
      for (let size = 0; ; size += chunk.length) {
        try {
          writeFileSync(filler, chunk, { flag: "a" });
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === "ENOSPC") return;
          throw error;
        }
        if (size > sizeKiB * 2048) throw new Error(`${path} never filled up`);
      }
    },
    unfill() {
      rmSync(filler, { force: true });
    },
    readOnly(readOnly = true) {
      execFileSync("mount", ["-o", `remount,${readOnly ? "ro" : "rw"}`, path], { stdio: "pipe" });
    },
  };
}

/** A directory under a small filesystem, created. */
export function directoryIn(fs: SmallFilesystem, name: string): string {
  const path = join(fs.path, name);
  mkdirSync(path, { recursive: true });
  return path;
}
