// The warnings a resolution prints (`warning: …` on stderr, as uv): a yanked version chosen
// through an `==` pin, an extra the package does not provide, an `--upgrade-package` that
// matches nothing; for pip compile, pip install and pip sync, against a loopback index.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { IndexServer } from "../support/index-server.ts";
import { newestPyenvPython } from "../support/pyenv-pythons.ts";
import { RealVenvs } from "../support/real-venv.ts";
import { runPuffin } from "../support/run-puffin.ts";
import { testDirectory } from "../support/temp-dir.ts";
import { buildWheel } from "../support/wheel-builder.ts";

const python = newestPyenvPython();
const skip = python === undefined ? "no pyenv Python 3.8+ on this machine" : false;
const root = testDirectory("cli-resolution-warnings");
const env = { PUFFIN_CACHE_DIR: join(root, "cache"), PATH: "/usr/bin:/bin" };

const YANKED_A = 'warning: `a==1.0.0` is yanked (reason: "broken build")';
const YANKED_B = "warning: `b==1.0` is yanked";
const MISSING_SOCKS2 = "warning: The package `req==2.0` does not have an extra named `socks2`";

/** The `warning:` lines of a run's stderr, in order. */
const warnings = (stderr: string) => stderr.split("\n").filter((l) => l.startsWith("warning:"));

describe("resolution warnings", { skip }, () => {
  let server: IndexServer;
  let venvs: RealVenvs;
  before(async () => {
    venvs = await RealVenvs.of(python!.executable, root);
    server = await IndexServer.start({
      files: [
        { ...buildWheel({ name: "a", version: "1.0.0" }), yanked: "broken build" },
        buildWheel({ name: "a", version: "2.0.0" }),
        { ...buildWheel({ name: "b", version: "1.0" }), yanked: true },
        buildWheel({ name: "b", version: "0.9" }),
        buildWheel({
          name: "req",
          version: "2.0",
          requiresDist: ['pysocks; extra == "socks"'],
          providesExtra: ["socks"],
        }),
        buildWheel({ name: "pysocks", version: "1.7" }),
        // Metadata without Provides-Extra: an extra named in a marker is still provided.
        buildWheel({ name: "old", version: "1.0", requiresDist: ['pysocks; extra == "socks"'] }),
        buildWheel({ name: "top", version: "1.0", requiresDist: ["req[socks2]"] }),
      ],
    });
  });
  after(() => server.close());

  const write = (name: string, lines: readonly string[]) => {
    const path = join(root, name);
    writeFileSync(path, `${lines.join("\n")}\n`);
    return path;
  };
  const compile = (args: readonly string[]) =>
    runPuffin(["pip", "compile", ...args, "--python", python!.executable, "-i", server.indexUrl], {
      cwd: root,
      env,
    });

  test("pip compile: a yanked version pinned with == is chosen, with a warning and its reason", async () => {
    const input = write("yanked.in", ["a==1.0.0", "b==1.0"]);
    const run = await compile([input]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^a==1\.0\.0$/m);
    assert.match(run.stdout, /^b==1\.0$/m);
    assert.deepEqual(warnings(run.stderr), [YANKED_A, YANKED_B]);
    // Unpinned, the yanked versions are passed over: nothing to warn of.
    const unpinned = await compile([write("unpinned.in", ["a", "b"])]);
    assert.equal(unpinned.status, 0, unpinned.stderr);
    assert.match(unpinned.stdout, /^a==2\.0\.0$/m);
    assert.match(unpinned.stdout, /^b==0\.9$/m);
    assert.deepEqual(warnings(unpinned.stderr), []);
  });

  test("pip compile: a missing extra is told once, asked for directly or transitively", async () => {
    const input = write("extras.in", ["req[socks,socks2]", "top", "old[socks]"]);
    const run = await compile([input]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^pysocks==1\.7$/m);
    assert.deepEqual(warnings(run.stderr), [MISSING_SOCKS2]);
  });

  test("pip compile --universal tells the same warnings", async () => {
    const input = write("universal.in", ["a==1.0.0", "req[socks2]"]);
    const run = await compile([input, "--universal"]);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(warnings(run.stderr), [YANKED_A, MISSING_SOCKS2]);
  });

  test("pip compile: an --upgrade-package that matches nothing is told, any spelling of a match is not", async () => {
    const input = write("upgrade.in", ["req"]);
    const output = join(root, "upgrade.txt");
    const matched = await compile([input, "-o", output, "-P", "REQ", "-P", "Py_Socks"]);
    assert.equal(matched.status, 0, matched.stderr);
    assert.deepEqual(warnings(matched.stderr), [
      "warning: `--upgrade-package py-socks` matches no package in the resolution, so nothing was upgraded for it",
    ]);
    const quiet = await compile([input, "-o", output, "-P", "Req", "-q"]);
    assert.equal(quiet.status, 0, quiet.stderr);
    assert.equal(quiet.stderr, "");
  });

  test("pip install and pip sync warn of the yanked pin and the missing extra", async () => {
    const py = await venvs.create("install");
    const install = await runPuffin(
      ["pip", "install", "a==1.0.0", "req[socks2]", "--python", py, "-i", server.indexUrl],
      { cwd: root, env },
    );
    assert.equal(install.status, 0, install.stderr);
    assert.match(install.stderr, / \+ a==1\.0\.0\n/);
    assert.deepEqual(warnings(install.stderr), [YANKED_A, MISSING_SOCKS2]);

    const synced = await venvs.create("sync");
    const pins = write("pins.txt", ["b==1.0", "req[socks2]==2.0"]);
    const sync = await runPuffin(["pip", "sync", pins, "--python", synced, "-i", server.indexUrl], {
      cwd: root,
      env,
    });
    assert.equal(sync.status, 0, sync.stderr);
    assert.match(sync.stderr, / \+ b==1\.0\n/);
    assert.deepEqual(warnings(sync.stderr), [YANKED_B, MISSING_SOCKS2]);
  });
});
