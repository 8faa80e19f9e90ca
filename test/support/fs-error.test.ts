import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import {
  createTempDirectory,
  describeSystemError,
  type ErrorCode,
  FileLock,
  fsError,
  PuffinError,
  publishDirectory,
  writeFileAtomic,
  writeUserFile,
} from "../../src/support/index.ts";
import { directoryIn, smallFilesystem } from "./small-filesystem.ts";

/** A Node system error as `fs` raises them. */
function systemError(code: string, fields: Record<string, string> = {}): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: something, ${fields["syscall"] ?? "write"}`), {
    code,
    syscall: "write",
    ...fields,
  });
}

describe("fsError: the machine's faults as PuffinErrors", () => {
  const cases: [string, ErrorCode, RegExp][] = [
    ["ENOSPC", "disk-full", /no space left on device \(ENOSPC\)$/],
    ["EDQUOT", "disk-full", /disk quota exceeded \(EDQUOT\)$/],
    ["EROFS", "read-only-filesystem", /read-only file system \(EROFS\)$/],
    ["EACCES", "permission-denied", /permission denied \(EACCES\)$/],
    ["EPERM", "permission-denied", /operation not permitted \(EPERM\)$/],
    ["EEXIST", "path-collision", /\(EEXIST\)$/],
    ["ENOTDIR", "path-collision", /a file is where a directory must be \(ENOTDIR\)$/],
    ["EISDIR", "path-collision", /\(EISDIR\)$/],
  ];
  for (const [errno, code, message] of cases) {
    test(`${errno} → ${code}, naming the operation and the path, with a hint and the cause`, () => {
      const raw = systemError(errno);
      const error = fsError(raw, { operation: "write", path: "/x/y" });
      assert.ok(error instanceof PuffinError);
      assert.equal(error.code, code);
      assert.match(error.message, /^Failed to write \/x\/y: /);
      assert.match(error.message, message);
      assert.ok(error.hint !== undefined && error.hint.length > 0);
      assert.equal(error.cause, raw);
    });
  }

  test("errors it does not know pass through unchanged", () => {
    for (const error of [systemError("ENOENT"), systemError("EIO"), new TypeError("x"), "text"]) {
      assert.equal(fsError(error, { operation: "write", path: "/x" }), error);
    }
  });

  test("the hint follows the area: the cache points at --cache-dir, an environment at a venv", () => {
    const full = fsError(systemError("ENOSPC"), { operation: "write", path: "/c", area: "cache" });
    assert.match((full as PuffinError).hint ?? "", /--cache-dir.*PUFFIN_CACHE_DIR/);
    const ro = fsError(systemError("EROFS"), {
      operation: "write",
      path: "/v",
      area: "environment",
    });
    assert.match((ro as PuffinError).hint ?? "", /read-only file system.*puffin venv/);
    const denied = fsError(systemError("EACCES"), {
      operation: "write",
      path: "/v",
      area: "environment",
    });
    assert.match((denied as PuffinError).hint ?? "", /ownership/);
  });

  test("describeSystemError: the destination of a link, the fallback path of a bare write", () => {
    const link = describeSystemError(
      systemError("EROFS", { syscall: "link", path: "/cache/a.py", dest: "/venv/a.py" }),
    );
    assert.equal(link?.message, "Failed to create /venv/a.py: read-only file system (EROFS)");
    const mkdir = describeSystemError(systemError("EACCES", { syscall: "mkdir", path: "/v/d" }));
    assert.equal(mkdir?.message, "Failed to create the directory /v/d: permission denied (EACCES)");
    const write = describeSystemError(systemError("ENOSPC"), { path: "/venv/site-packages" });
    assert.equal(
      write?.message,
      "Failed to write in /venv/site-packages: no space left on device (ENOSPC)",
    );
    const bare = describeSystemError(systemError("ENOSPC"));
    assert.equal(bare?.message, "Failed to write a file: no space left on device (ENOSPC)");
    assert.equal(describeSystemError(systemError("ENOENT")), undefined);
    assert.equal(describeSystemError(new Error("plain")), undefined);
  });
});

const disk = smallFilesystem("fs-error", 1024);
const skip = typeof disk === "string" ? disk : false;

describe("atomic writes on a full disk and a read-only filesystem", { skip }, () => {
  const fs = disk as Exclude<typeof disk, string>;
  const big = Buffer.alloc(256 * 1024, 7);

  /** The names in `directory`, to check that no temp file or directory is left. */
  const names = (directory: string) => readdirSync(directory).sort();

  test("disk full: writeFileAtomic fails naming the path, the old content stays, no temp left", async () => {
    const directory = directoryIn(fs, "full");
    const path = join(directory, "entry.json");
    writeFileSync(path, "old");
    fs.fill();
    try {
      await assert.rejects(writeFileAtomic(path, big, { area: "cache" }), (error: unknown) => {
        assert.ok(error instanceof PuffinError);
        assert.equal(error.code, "disk-full");
        assert.equal(error.message, `Failed to write ${path}: no space left on device (ENOSPC)`);
        assert.match(error.hint ?? "", /--cache-dir/);
        return true;
      });
      assert.equal(readFileSync(path, "utf8"), "old");
      assert.deepEqual(names(directory), ["entry.json"]);
    } finally {
      fs.unfill();
    }
  });

  test("disk full: writeUserFile (`-o FILE`) keeps the previous file whole", async () => {
    const directory = directoryIn(fs, "user");
    const path = join(directory, "requirements.txt");
    writeFileSync(path, "six==1.0\n");
    fs.fill();
    try {
      await assert.rejects(writeUserFile(path, big), { code: "disk-full" });
      assert.equal(readFileSync(path, "utf8"), "six==1.0\n");
      assert.deepEqual(names(directory), ["requirements.txt"]);
    } finally {
      fs.unfill();
    }
  });

  test("a device that is full (`-o /dev/full`) fails as a full disk", async () => {
    await assert.rejects(writeUserFile("/dev/full", "six==1.0\n"), {
      code: "disk-full",
      message: "Failed to write /dev/full: no space left on device (ENOSPC)",
    });
  });

  test("read-only: writes, temp directories, publishing and lock files name the path", async () => {
    const directory = directoryIn(fs, "ro");
    const staged = await createTempDirectory(join(fs.path, "staging"));
    writeFileSync(join(directory, "entry.json"), "old");
    fs.readOnly();
    try {
      await assert.rejects(writeFileAtomic(join(directory, "entry.json"), "new"), {
        code: "read-only-filesystem",
        message: `Failed to write ${join(directory, "entry.json")}: read-only file system (EROFS)`,
      });
      await assert.rejects(createTempDirectory(join(directory, "bucket")), {
        code: "read-only-filesystem",
        message: `Failed to create a temporary directory in ${join(directory, "bucket")}: read-only file system (EROFS)`,
      });
      await assert.rejects(publishDirectory(staged, join(directory, "published")), {
        code: "read-only-filesystem",
      });
      await assert.rejects(FileLock.acquire(join(directory, ".lock"), { area: "environment" }), {
        code: "read-only-filesystem",
        message: `Failed to create the lock file ${join(directory, ".lock")}: read-only file system (EROFS)`,
      });
      assert.equal(readFileSync(join(directory, "entry.json"), "utf8"), "old");
      assert.deepEqual(names(directory), ["entry.json"]);
    } finally {
      fs.readOnly(false);
    }
  });

  test("disk full: a lock file that cannot be written is not left behind empty", async () => {
    const directory = directoryIn(fs, "lock");
    fs.fill();
    try {
      // tmpfs creates the file (an inode) and fails the write (a block).
      await assert.rejects(FileLock.acquire(join(directory, ".lock")), { code: "disk-full" });
      assert.deepEqual(names(directory), []);
    } finally {
      fs.unfill();
    }
  });
});
