import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { readFileUpTo, readFileUpToSync, readStreamUpTo } from "../../src/support/index.ts";
import { testDirectory } from "./temp-dir.ts";

const dir = testDirectory("bounded-read");

describe("readFileUpTo / readFileUpToSync", () => {
  const file = join(dir, "ten.txt");
  writeFileSync(file, "0123456789");

  for (const [name, read] of [
    ["async", readFileUpTo],
    ["sync", async (path: string, limit: number) => readFileUpToSync(path, limit)],
  ] as const) {
    test(`${name}: a regular file up to the limit is read whole, one byte more is refused`, async () => {
      assert.equal(Buffer.from((await read(file, 10))!).toString(), "0123456789");
      assert.equal(Buffer.from((await read(file, 100))!).toString(), "0123456789");
      assert.equal(await read(file, 9), undefined);
    });

    test(`${name}: an endless device (/dev/zero) is abandoned at the limit`, async () => {
      assert.equal(await read("/dev/zero", 1024 * 1024), undefined);
    });

    test(`${name}: errors of the file system propagate as Node raised them`, async () => {
      await assert.rejects(async () => read(join(dir, "missing"), 10), { code: "ENOENT" });
    });
  }

  test("a FIFO (process substitution, /dev/stdin) is read to its end", async (t) => {
    const fifo = join(dir, "fifo");
    try {
      execFileSync("mkfifo", [fifo]);
    } catch {
      return t.skip("no mkfifo here");
    }
    const writer = spawn("sh", ["-c", `printf 'flask\\n' > '${fifo}'`]);
    const done = new Promise((resolve) => writer.on("close", resolve));
    const bytes = await readFileUpTo(fifo, 1024);
    await done;
    assert.equal(Buffer.from(bytes!).toString(), "flask\n");
  });

  test("a FIFO fed forever is abandoned at the limit", async (t) => {
    const fifo = join(dir, "endless");
    try {
      execFileSync("mkfifo", [fifo]);
    } catch {
      return t.skip("no mkfifo here");
    }
    const writer = spawn("sh", ["-c", `yes flask > '${fifo}'`]);
    try {
      assert.equal(await readFileUpTo(fifo, 256 * 1024), undefined);
    } finally {
      writer.kill();
    }
  });
});

describe("readStreamUpTo", () => {
  test("a finite stream is read whole", async () => {
    async function* chunks() {
      yield "a==1\n";
      yield new TextEncoder().encode("b==2\n");
    }
    assert.equal(Buffer.from((await readStreamUpTo(chunks(), 100))!).toString(), "a==1\nb==2\n");
  });

  test("an endless stream is abandoned just past the limit, and closed", async () => {
    let given = 0;
    let closed = false;
    async function* endless() {
      try {
        for (;;) {
          given += 1000;
          yield Buffer.alloc(1000, 0x61);
        }
      } finally {
        closed = true;
      }
    }
    assert.equal(await readStreamUpTo(endless(), 10_000), undefined);
    assert.equal(given, 11_000);
    assert.equal(closed, true);
  });
});
