import assert from "node:assert/strict";
import { readFile, rm, utimes, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { FileLock, isProcessAlive, PuffinError } from "../../src/support/index.ts";
import { deadPid, startContender } from "./contender-process.ts";
import { pathExists, testDirectory } from "./temp-dir.ts";

const dir = testDirectory("lock");

describe("FileLock", () => {
  test("records its holder, excludes a second taker, and is free again after release", async () => {
    const path = join(dir, "basic", ".lock");
    const lock = await FileLock.acquire(path);
    const holder = await FileLock.holder(path);
    assert.equal(holder?.pid, process.pid);
    assert.equal(holder?.hostname, hostname());
    assert.equal(await FileLock.tryAcquire(path), undefined, "not reentrant, not shared");
    await lock.release();
    await lock.release();
    assert.equal(await pathExists(path), false);
    const again = await FileLock.tryAcquire(path);
    assert.ok(again);
    await again.release();
  });

  test("a waiter gets the lock once it is released, and is told it waits", async () => {
    const path = join(dir, "wait.lock");
    const first = await FileLock.acquire(path);
    let waited = false;
    const second = FileLock.acquire(path, { onWait: () => (waited = true) });
    setTimeout(() => void first.release(), 30);
    const lock = await second;
    assert.ok(waited);
    await lock.release();
  });

  test("times out with a clear error naming the lock and its holder", async () => {
    const path = join(dir, "timeout.lock");
    const lock = await FileLock.acquire(path);
    await assert.rejects(FileLock.acquire(path, { timeoutMs: 50 }), (error: unknown) => {
      assert.ok(error instanceof PuffinError);
      assert.equal(error.code, "lock-timeout");
      assert.ok(error.message.includes(path));
      assert.ok(error.message.includes(`process ${process.pid}`));
      return true;
    });
    await lock.release();
  });

  test("a lock left by a dead process on this host is taken over", async () => {
    const path = join(dir, "stale.lock");
    const pid = await deadPid();
    assert.equal(isProcessAlive(pid), false);
    const holder = { pid, hostname: hostname(), acquiredAt: Date.now() - 1000, token: "dead" };
    await writeFile(path, JSON.stringify(holder));
    const lock = await FileLock.acquire(path, { timeoutMs: 1000 });
    assert.equal((await FileLock.holder(path))?.pid, process.pid);
    await lock.release();
  });

  test("a holder killed by SIGKILL leaves a lock that the next taker takes over", async () => {
    const path = join(dir, "killed.lock");
    const holder = startContender("hold", path, 0, "holder");
    await new Promise<void>((resolve) => holder.child.stdout?.once("data", () => resolve()));
    assert.equal(await FileLock.tryAcquire(path), undefined, "held while the holder runs");
    holder.child.kill("SIGKILL");
    await holder.done.catch(() => {});
    const lock = await FileLock.acquire(path, { timeoutMs: 2000 });
    await lock.release();
  });

  test("a live holder on another host is never judged stale", async () => {
    const path = join(dir, "remote.lock");
    const holder = { pid: 1, hostname: `not-${hostname()}`, acquiredAt: 0, token: "remote" };
    await writeFile(path, JSON.stringify(holder));
    assert.equal(await FileLock.tryAcquire(path), undefined);
    await rm(path);
  });

  test("an empty lock file is someone's fresh create, until it is older than the grace period", async () => {
    const path = join(dir, "empty.lock");
    await writeFile(path, "");
    assert.equal(await FileLock.tryAcquire(path), undefined);
    const old = new Date(Date.now() - 60_000);
    await utimes(path, old, old);
    const lock = await FileLock.tryAcquire(path);
    assert.ok(lock);
    await lock.release();
  });

  test("release never removes a lock another process has taken over", async () => {
    const path = join(dir, "stolen.lock");
    const lock = await FileLock.acquire(path);
    const thief = { pid: 1, hostname: "elsewhere", acquiredAt: Date.now(), token: "thief" };
    await writeFile(path, JSON.stringify(thief));
    await lock.release();
    assert.equal((await FileLock.holder(path))?.token, "thief");
    await rm(path);
  });

  test("two processes incrementing a counter under the lock lose no update", async () => {
    const path = join(dir, "counter.lock");
    const iterations = 25;
    await Promise.all([
      startContender("lock", path, iterations, "a").done,
      startContender("lock", path, iterations, "b").done,
    ]);
    assert.equal(await readFile(`${path}.count`, "utf8"), String(2 * iterations));
    assert.equal(await pathExists(path), false);
  });
});
