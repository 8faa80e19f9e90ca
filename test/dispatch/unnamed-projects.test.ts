// A project whose name is only in `setup.py` (no `pyproject.toml` `[project]`, no `setup.cfg`
// name) given as a bare path: named by its build backend, as uv names it, in `pip install -e`,
// `pip sync` of a file with `-e ./dir`, and `pip compile` of an input with `-e ./dir`; a
// `setup.cfg` with a literal `[metadata] name` is named without a backend. Built with the real
// setuptools and wheel of test/corpora/build-backends from a loopback index, into real venvs of
// a pyenv Python 3.12.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import { IndexServer } from "../support/index-server.ts";
import { pyenvPythons } from "../support/pyenv-pythons.ts";
import { RealVenvs } from "../support/real-venv.ts";
import { runPuffin } from "../support/run-puffin.ts";
import { testDirectory, writeTree } from "../support/temp-dir.ts";

const python = pyenvPythons().find((p) => p.minor[0] === 3 && p.minor[1] === 12);
const skip = python === undefined ? "no pyenv Python 3.12 on this machine" : false;
const backends = join(import.meta.dirname, "..", "corpora", "build-backends");
const root = testDirectory("unnamed-projects");
const env = { PATH: process.env["PATH"] };

describe("bare paths named by their build backend", { skip }, () => {
  let server: IndexServer;
  let venvs: RealVenvs;
  let count = 0;
  const cacheDir = join(root, "cache");
  const puffin = (...args: string[]) =>
    runPuffin(["--cache-dir", cacheDir, ...args], { env, cwd: root });
  const freshVenv = () => venvs.create(`venv-${++count}`);
  const editableLine = `-e ${pathToFileURL(join(root, "legacy_proj")).href}`;

  before(async () => {
    server = await IndexServer.start({ directory: backends });
    venvs = await RealVenvs.of(python!.executable, root);
    // The name appears nowhere but in the call to setup(): only running it tells.
    writeTree(join(root, "legacy_proj"), {
      "setup.py": [
        "from setuptools import setup",
        "NAME = 'legacy' + 'proj'",
        "setup(name=NAME, version='0.3', packages=['legacyproj'])",
        "",
      ].join("\n"),
      "legacyproj/__init__.py": "VALUE = 'legacy'\n",
    });
    writeTree(join(root, "cfg_proj"), {
      "setup.cfg": "[metadata]\nName = cfgnamed\nversion = 0.5\n\n[options]\npackages = cfgnamed\n",
      "setup.py": "from setuptools import setup\nsetup()\n",
      "cfgnamed/__init__.py": "",
    });
  });
  after(() => server.close());

  test("pip install -e ./dir", async () => {
    const venv = await freshVenv();
    const run = await puffin(
      "pip",
      "install",
      "-e",
      "./legacy_proj",
      "--python",
      venv,
      "-i",
      server.indexUrl,
    );
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, / \+ legacyproj @ file:/);
    const value = execFileSync(venv, ["-c", "import legacyproj; print(legacyproj.VALUE)"], {
      encoding: "utf8",
    });
    assert.equal(value.trim(), "legacy");
    const freeze = await puffin("pip", "freeze", "--python", venv);
    assert.ok(freeze.stdout.split("\n").includes(editableLine), freeze.stdout);
  });

  test("pip sync of a file with -e ./dir", async () => {
    const venv = await freshVenv();
    writeFileSync(join(root, "sync.txt"), "-e ./legacy_proj\n");
    const run = await puffin("pip", "sync", "sync.txt", "--python", venv, "-i", server.indexUrl);
    assert.equal(run.status, 0, run.stderr);
    const freeze = await puffin("pip", "freeze", "--python", venv);
    assert.deepEqual(freeze.stdout.trim().split("\n"), [editableLine]);
  });

  test("pip compile of -e ./dir, and a setup.cfg name", async () => {
    writeFileSync(join(root, "compile.in"), "-e ./legacy_proj\n./cfg_proj\n");
    const run = await puffin(
      "pip",
      "compile",
      "compile.in",
      "--no-header",
      "--no-annotate",
      "--python",
      await freshVenv(),
      "-i",
      server.indexUrl,
    );
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(run.stdout.trim().split("\n"), ["-e ./legacy_proj", "./cfg_proj"]);
  });
});
