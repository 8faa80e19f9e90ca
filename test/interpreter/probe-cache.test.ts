import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { Cache, CacheBucket } from "../../src/cache/index.ts";
import { queryInterpreter } from "../../src/interpreter/index.ts";
import { FakeRunner, fakeProbeAnswer, writeFakeExecutable } from "../support/fake-python.ts";

const root = mkdtempSync(join(tmpdir(), "puffin-probe-cache-"));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;

/** A fresh fake interpreter, cache and counting runner per test. */
function setup() {
  const dir = join(root, String(counter++));
  const executable = join(dir, "python", "bin", "python3");
  writeFakeExecutable(executable);
  const runner = new FakeRunner();
  runner.answers.set(executable, fakeProbeAnswer({ executable, version: "3.12.4" }));
  const cacheRoot = join(dir, "cache");
  const cache = Cache.at(cacheRoot);
  const query = (path = executable) => queryInterpreter(path, { cache, runner: runner.run });
  return { dir, executable, runner, cacheRoot, query };
}

describe("the interpreter bucket of the cache", () => {
  test("a second query starts no process and returns the same description", async () => {
    const { runner, query } = setup();
    const first = await query();
    assert.equal(runner.spawned.length, 1);
    const second = await query();
    assert.equal(runner.spawned.length, 1);
    assert.deepEqual(second.info, first.info);
  });

  test("a changed modification time means a new probe", async () => {
    const { executable, runner, query } = setup();
    await query();
    utimesSync(executable, new Date(2001, 1, 1), new Date(2001, 1, 1));
    await query();
    assert.equal(runner.spawned.length, 2);
    await query();
    assert.equal(runner.spawned.length, 2);
  });

  test("an unreadable entry is treated as missing and rewritten", async () => {
    const { cacheRoot, runner, query } = setup();
    await query();
    const bucket = join(cacheRoot, CacheBucket.Interpreter);
    const [entry] = readdirSync(bucket);
    writeFileSync(join(bucket, entry!), "{ truncated");
    await query();
    assert.equal(runner.spawned.length, 2);
    await query();
    assert.equal(runner.spawned.length, 2);
    assert.deepEqual(readdirSync(bucket), [entry], "no temp files are left behind");
  });

  test("a symlink is its own entry (a venv's python answers differently from its base)", async () => {
    const { dir, executable, runner, query } = setup();
    const link = join(dir, "venv", "bin", "python");
    writeFakeExecutable(link);
    rmSync(link);
    symlinkSync(executable, link);
    runner.answers.set(
      link,
      fakeProbeAnswer({ executable: link, version: "3.12.4", basePrefix: join(dir, "python") }),
    );
    assert.equal((await query()).isVirtualenv, false);
    assert.equal((await query(link)).isVirtualenv, true);
    assert.equal((await query(link)).isVirtualenv, true);
    assert.equal(runner.spawned.length, 2);
  });

  test("a wrapper (a shim reporting another executable) is probed every time", async () => {
    const { dir, executable, runner, query } = setup();
    const shim = join(dir, "shims", "python3");
    writeFakeExecutable(shim);
    runner.answers.set(shim, fakeProbeAnswer({ executable, version: "3.12.4" }));
    await query(shim);
    await query(shim);
    assert.deepEqual(runner.spawned, [shim, shim]);
    // …while the interpreter it reported was cached under its own path.
    await query(executable);
    assert.deepEqual(runner.spawned, [shim, shim]);
  });

  test("without a cache root every query probes", async () => {
    const { executable, runner } = setup();
    await queryInterpreter(executable, { cache: undefined, runner: runner.run });
    await queryInterpreter(executable, { cache: undefined, runner: runner.run });
    assert.equal(runner.spawned.length, 2);
  });

  test("a missing executable is interpreter-not-found without a spawn", async () => {
    const { dir, runner, query } = setup();
    await assert.rejects(query(join(dir, "nope", "python")), { code: "interpreter-not-found" });
    assert.equal(runner.spawned.length, 0);
  });
});
