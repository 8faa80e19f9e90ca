import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { closeSync, constants, openSync, readSync } from "node:fs";
import {
  chmod,
  lstat,
  mkdir,
  readdir,
  readFile,
  readlink,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { join } from "node:path";
import { describe, test } from "node:test";
import {
  createTempDirectory,
  publishDirectory,
  tempName,
  tempNameOwner,
  writeFileAtomic,
  writeUserFile,
} from "../../src/support/index.ts";
import { startContender, WRITE_PADDING } from "./contender-process.ts";
import { testDirectory } from "./temp-dir.ts";

const dir = testDirectory("atomic");

describe("temp names", () => {
  test("are unique within a process and name their writer's pid", () => {
    const names = new Set(Array.from({ length: 1000 }, () => tempName()));
    assert.equal(names.size, 1000);
    for (const name of names) assert.equal(tempNameOwner(name), process.pid);
  });

  const notTemp = [
    "requests.json",
    ".gitignore",
    ".puffin-tmp-",
    ".puffin-tmp-12-x-zz",
    "a.puffin-tmp-1-2-ab",
  ];
  for (const name of notTemp) {
    test(`${JSON.stringify(name)} is not a temp name`, () => {
      assert.equal(tempNameOwner(name), undefined);
    });
  }
});

describe("writeFileAtomic", () => {
  test("creates missing parents, replaces existing content, leaves no temp file", async () => {
    const path = join(dir, "write", "a", "b", "entry.json");
    await writeFileAtomic(path, "first");
    await writeFileAtomic(path, "second", { durable: true });
    assert.equal(await readFile(path, "utf8"), "second");
    assert.deepEqual(await readdir(join(dir, "write", "a", "b")), ["entry.json"]);
  });

  test("a failed write removes its temp file and keeps the old content", async () => {
    const target = join(dir, "write-fail");
    await mkdir(join(target, "occupied"), { recursive: true });
    await writeFile(join(target, "occupied", "x"), "");
    // Renaming a file over a non-empty directory fails (EISDIR).
    await assert.rejects(writeFileAtomic(join(target, "occupied"), "data"));
    assert.deepEqual(await readdir(target), ["occupied"]);
  });

  test("two processes rewriting one entry: both succeed, a reader never sees a partial file", async () => {
    const path = join(dir, "contended.json");
    await writeFileAtomic(
      path,
      JSON.stringify({ id: "seed", i: 0, padding: "x".repeat(WRITE_PADDING) }),
    );
    const writers = [
      startContender("write", path, 150, "a"),
      startContender("write", path, 150, "b"),
    ];
    let running = true;
    const finished = Promise.all(writers.map((writer) => writer.done)).finally(() => {
      running = false;
    });
    let reads = 0;
    const ids = new Set<string>();
    while (running) {
      const entry = JSON.parse(await readFile(path, "utf8")) as { id: string; padding: string };
      assert.equal(entry.padding.length, WRITE_PADDING);
      ids.add(entry.id);
      reads++;
    }
    await finished;
    assert.ok(reads > 0);
    assert.ok(["a", "b"].includes((JSON.parse(await readFile(path, "utf8")) as { id: string }).id));
    assert.deepEqual(
      await readdir(dir).then((names) => names.filter((n) => n.startsWith("."))),
      [],
    );
  });
});

describe("writeUserFile (pip compile -o)", () => {
  test("replaces a regular file whole and keeps its permission bits", async () => {
    const path = join(dir, "user", "requirements.txt");
    await mkdir(join(dir, "user"), { recursive: true });
    await writeFile(path, "old\n");
    await chmod(path, 0o600);
    await writeUserFile(path, "new\n");
    assert.equal(await readFile(path, "utf8"), "new\n");
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.deepEqual(await readdir(join(dir, "user")), ["requirements.txt"], "no temp file left");
  });

  test("writes through a symbolic link, which stays a link, dangling or not", async () => {
    const base = join(dir, "links");
    await mkdir(base, { recursive: true });
    await writeFile(join(base, "real.txt"), "old\n");
    await symlink("real.txt", join(base, "link.txt"));
    await writeUserFile(join(base, "link.txt"), "new\n");
    assert.ok((await lstat(join(base, "link.txt"))).isSymbolicLink());
    assert.equal(await readFile(join(base, "real.txt"), "utf8"), "new\n");
    await symlink("later.txt", join(base, "dangling.txt"));
    await writeUserFile(join(base, "dangling.txt"), "made\n");
    assert.equal(await readlink(join(base, "dangling.txt")), "later.txt");
    assert.equal(await readFile(join(base, "later.txt"), "utf8"), "made\n");
  });

  test("writes a FIFO in place instead of renaming a file over it", async (t) => {
    const fifo = join(dir, "pipe");
    try {
      execFileSync("mkfifo", [fifo]);
    } catch {
      return t.skip("mkfifo is not available");
    }
    // A reader that does not block, so that opening the FIFO for writing does not either.
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      await writeUserFile(fifo, "through the pipe\n");
      const buffer = Buffer.alloc(64);
      const read = readSync(reader, buffer);
      assert.equal(buffer.subarray(0, read).toString(), "through the pipe\n");
    } finally {
      closeSync(reader);
    }
    assert.ok((await lstat(fifo)).isFIFO(), "the FIFO is still a FIFO");
  });
});

describe("publishDirectory", () => {
  test("moves a built directory into place, creating parents", async () => {
    const bucket = join(dir, "bucket-1");
    const temp = await createTempDirectory(bucket);
    await writeFile(join(temp, "file"), "content");
    assert.equal(await publishDirectory(temp, join(bucket, "deep", "entry")), "published");
    assert.equal(await readFile(join(bucket, "deep", "entry", "file"), "utf8"), "content");
    assert.deepEqual(await readdir(bucket), ["deep"]);
  });

  test("the first writer wins: a second publish keeps the existing entry and removes its own", async () => {
    const bucket = join(dir, "bucket-2");
    const first = await createTempDirectory(bucket);
    await writeFile(join(first, "file"), "first");
    const second = await createTempDirectory(bucket);
    await writeFile(join(second, "file"), "second");
    assert.equal(await publishDirectory(first, join(bucket, "entry")), "published");
    assert.equal(await publishDirectory(second, join(bucket, "entry")), "existing");
    assert.equal(await readFile(join(bucket, "entry", "file"), "utf8"), "first");
    assert.deepEqual(await readdir(bucket), ["entry"]);
  });

  test("two processes publishing the same entries: each entry is published once, whole", async () => {
    const bucket = join(dir, "bucket-3");
    await mkdir(bucket);
    const count = 60;
    const results = await Promise.all([
      startContender("publish", bucket, count, "a").done,
      startContender("publish", bucket, count, "b").done,
    ]);
    const outcomes = results.map(
      (text) => JSON.parse(text) as { published: number; existing: number },
    );
    assert.equal(outcomes[0]!.published + outcomes[1]!.published, count);
    assert.equal(outcomes[0]!.existing + outcomes[1]!.existing, count);
    const names = await readdir(bucket);
    assert.equal(names.length, count, "no temp directory is left behind");
    for (const name of names) {
      const a = await readFile(join(bucket, name, "a"), "utf8");
      assert.equal(
        await readFile(join(bucket, name, "b"), "utf8"),
        a,
        `${name} holds one writer's files`,
      );
    }
  });
});
