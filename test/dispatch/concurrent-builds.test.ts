// Two `puffin pip install` processes that need the same sdist built at the same time, sharing
// one cache: one builds, the other waits for the built-wheel entry's lock and reuses the wheel
// (DESIGN: the built-wheel cache). The sdist's backend lives in its own tree (`backend-path`),
// sleeps in `build_wheel`, where the second process starts, and appends a line to a log for every
// build, so the test can count them.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { handWrittenWheelBackend, inTreeBackendPyproject } from "../support/in-tree-backend.ts";
import { pyenvPythons } from "../support/pyenv-pythons.ts";
import { RealVenvs } from "../support/real-venv.ts";
import { writeSdist } from "../support/sdist-builder.ts";
import { testDirectory } from "../support/temp-dir.ts";

const run = promisify(execFile);
const python = pyenvPythons().find((p) => p.minor[0] === 3 && p.minor[1] === 12);
const skip = python === undefined ? "no pyenv Python 3.12 on this machine" : false;
const root = testDirectory("concurrent-builds");
const checkout = new URL("../../", import.meta.url).pathname;
const main = join(checkout, "src", "cli", "main.ts");

/** A backend that logs each build to `log`, then sleeps so that the second process meets it. */
function loggingBackend(log: string): string {
  return handWrittenWheelBackend({
    name: "twice",
    version: "1.0",
    module: "VALUE = 2\n",
    before: `with open(${JSON.stringify(log)}, "a") as f:\n    f.write("built by %d\\n" % os.getpid())\ntime.sleep(1.5)`,
  });
}

describe("two processes building the same sdist at once", { skip }, () => {
  let venvs: RealVenvs;
  before(async () => {
    venvs = await RealVenvs.of(python!.executable, root);
  });

  test("one builds, the other waits and reuses its wheel", async () => {
    const links = join(root, "links");
    const log = join(root, "builds.log");
    mkdirSync(links);
    writeSdist(links, {
      name: "twice",
      version: "1.0",
      pyproject: inTreeBackendPyproject("log_backend"),
      files: { "_backend/log_backend.py": loggingBackend(log) },
    });
    const targets = await Promise.all([venvs.create("one"), venvs.create("two")]);
    const install = (target: string) =>
      run(
        process.execPath,
        [
          "--import",
          "tsx",
          main,
          "--cache-dir",
          join(root, "cache"),
          "pip",
          "install",
          "twice",
          "--python",
          target,
          "--no-index",
          "--find-links",
          links,
        ],
        // From the checkout, where `--import tsx` resolves.
        { cwd: checkout, env: { PATH: process.env["PATH"] } },
      );
    // The second starts while the first is inside `build_wheel` (the log is written first).
    const first = install(targets[0]!);
    for (let waited = 0; !existsSync(log); waited += 20) {
      assert.ok(waited < 60_000, "the first process never started its build");
      await sleep(20);
    }
    const results = await Promise.all([first, install(targets[1]!)]);
    for (const result of results) assert.match(result.stderr, /\+ twice==1\.0/);
    assert.equal(readFileSync(log, "utf8").trim().split("\n").length, 1, "built exactly once");
    for (const target of targets) {
      const { stdout } = await run(target, ["-c", "import twice; print(twice.VALUE)"]);
      assert.equal(stdout, "2\n");
    }
  });
});
