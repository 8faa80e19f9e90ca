// Deleting the cache (its root, or the built-wheels bucket) while `puffin pip install` builds an
// sdist: the command succeeds or fails with a clear error, the cache holds no partial
// built-wheel entry and no temp leftovers afterwards, and running the command again works.
// The sdist's backend lives in its own tree (`backend-path`), needs no build requirements,
// writes a marker when `build_wheel` starts and then sleeps a second, so the test deletes the
// cache while the build certainly runs.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { cacheProblems, walk } from "../support/cache-audit.ts";
import { handWrittenWheelBackend, inTreeBackendPyproject } from "../support/in-tree-backend.ts";
import { pyenvPythons } from "../support/pyenv-pythons.ts";
import { RealVenvs } from "../support/real-venv.ts";
import { runPuffin } from "../support/run-puffin.ts";
import { writeSdist } from "../support/sdist-builder.ts";
import { testDirectory } from "../support/temp-dir.ts";

const python = pyenvPythons().find((p) => p.minor[0] === 3 && p.minor[1] === 12);
const skip = python === undefined ? "no pyenv Python 3.12 on this machine" : false;
const root = testDirectory("cache-removed");
const env = { PATH: process.env["PATH"] };

/** A backend that writes a marker when `build_wheel` starts, then sleeps a second. */
function slowBackend(marker: string): string {
  return handWrittenWheelBackend({
    name: "slowpkg",
    version: "1.0",
    module: "VALUE = 42\n",
    before: `with open(${JSON.stringify(marker)}, "w") as f:\n    f.write("building")\ntime.sleep(1.0)`,
  });
}

const CASES = [
  {
    what: "the whole cache root",
    removed: (cacheDir: string) => cacheDir,
    // PKG-INFO 2.4 gives the metadata statically: the build runs in the install step.
    omitPkgInfo: false,
  },
  {
    what: "the built-wheels bucket",
    removed: (cacheDir: string) => join(cacheDir, "built-wheels-v0"),
    // No PKG-INFO and no `prepare_metadata_for_build_wheel`: the resolver's metadata needs a build.
    omitPkgInfo: true,
  },
];

describe("deleting the cache while a build runs", { skip }, () => {
  let venvs: RealVenvs;

  before(async () => {
    venvs = await RealVenvs.of(python!.executable, root);
  });

  for (const [index, { what, removed, omitPkgInfo }] of CASES.entries()) {
    test(`${what}: no partial entry, a clear error or success, and a rerun works`, async () => {
      const base = join(root, `case-${index}`);
      const links = join(base, "links");
      const cacheDir = join(base, "cache");
      const marker = join(base, "building");
      mkdirSync(links, { recursive: true });
      writeSdist(links, {
        name: "slowpkg",
        version: "1.0",
        omitPkgInfo,
        pyproject: inTreeBackendPyproject("slow_backend"),
        files: { "_backend/slow_backend.py": slowBackend(marker) },
      });
      const target = await venvs.create(`venv-${index}`);
      const install = () =>
        runPuffin(
          ["--cache-dir", cacheDir, "pip", "install", "slowpkg", "--python", target].concat([
            "--no-index",
            "--find-links",
            links,
          ]),
          { env, cwd: base },
        );

      const running = install();
      while (!existsSync(marker)) await sleep(20);
      rmSync(removed(cacheDir), { recursive: true, force: true });
      const first = await running;
      if (first.status !== 0) {
        assert.equal(first.status, 1, first.stderr);
        assert.match(first.stderr, /Failed to build `slowpkg-1\.0\.tar\.gz`/);
        assert.match(first.stderr, /was removed while it ran/);
      }
      assert.deepEqual(cacheProblems(cacheDir), []);

      rmSync(marker);
      const again = await install();
      assert.equal(again.status, 0, again.stderr);
      assert.match(again.stderr, /\+ slowpkg==1\.0/);
      assert.deepEqual(cacheProblems(cacheDir), []);
      const entries = walk(join(cacheDir, "built-wheels-v0")).filter((path) =>
        path.endsWith(".whl"),
      );
      assert.equal(entries.length, 1, entries.join("\n"));
      const value = execFileSync(target, ["-c", "import slowpkg; print(slowpkg.VALUE)"], {
        encoding: "utf8",
      });
      assert.equal(value.trim(), "42");
    });
  }
});
