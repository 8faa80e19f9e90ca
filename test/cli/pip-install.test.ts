import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { IndexServer } from "../support/index-server.ts";
import { snapshotTree } from "../support/install-target.ts";
import { newestPyenvPython } from "../support/pyenv-pythons.ts";
import { RealVenvs } from "../support/real-venv.ts";
import { runPuffin } from "../support/run-puffin.ts";
import { testDirectory } from "../support/temp-dir.ts";
import { buildWheel } from "../support/wheel-builder.ts";

const python = newestPyenvPython();
const skip = python === undefined ? "no pyenv Python 3.8+ on this machine" : false;
const root = testDirectory("cli-pip-install");
const cacheDir = join(root, "cache");
const env = { PATH: "/usr/bin:/bin" };

const wheels = {
  alpha1: buildWheel({ name: "alpha", version: "1.0", files: { "alpha/__init__.py": "V = 1\n" } }),
  alpha2: buildWheel({ name: "alpha", version: "2.0", files: { "alpha/__init__.py": "V = 2\n" } }),
  beta: buildWheel({
    name: "beta",
    version: "1.0",
    requiresDist: ["alpha>=1"],
    files: { "beta/__init__.py": "import alpha\n" },
  }),
  gamma: buildWheel({
    name: "gamma",
    version: "3.0",
    requiresDist: ["beta", "delta ; extra == 'fast'"],
    files: { "gamma.py": "G = 3\n" },
  }),
  delta: buildWheel({ name: "delta", version: "0.5", files: { "delta.py": "" } }),
};

let server: IndexServer;
let venvs: RealVenvs;
const venv = (name: string) => venvs.create(name);

function file(name: string, lines: readonly string[]): string {
  const path = join(root, name);
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

function puffin(args: readonly string[], venvPython: string) {
  return runPuffin(["--cache-dir", cacheDir, "pip", ...args, "--python", venvPython], {
    env,
    cwd: root,
  });
}

function install(args: readonly string[], venvPython: string) {
  return puffin(["install", ...args, "--index-url", server.indexUrl], venvPython);
}

async function freeze(venvPython: string): Promise<string> {
  return (await puffin(["freeze"], venvPython)).stdout;
}

describe("puffin pip install", { skip }, () => {
  before(async () => {
    venvs = await RealVenvs.of(python!.executable, root);
    server = await IndexServer.start({ files: Object.values(wheels) });
  });
  after(() => server.close());

  test("installs a package with its dependencies; a second install is an audit", async () => {
    const py = await venv("deps");
    const first = await install(["beta"], py);
    assert.equal(first.status, 0, first.stderr);
    assert.match(
      first.stderr,
      /^Resolved 2 packages in .+\nPrepared 2 packages in .+\nInstalled 2 packages in .+\n \+ alpha==2\.0\n \+ beta==1\.0\n$/,
    );
    assert.equal(await freeze(py), "alpha==2.0\nbeta==1.0\n");
    const site = (await venvs.probe(py)).info.scheme.purelib;
    assert.ok(existsSync(join(site, "beta-1.0.dist-info", "REQUESTED")), "the user asked for beta");
    assert.ok(!existsSync(join(site, "alpha-2.0.dist-info", "REQUESTED")), "alpha is only a dep");

    const again = await install(["beta"], py);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stderr, /^Resolved 2 packages in .+\nAudited 2 packages in .+\n$/);
  });

  test("an installed version that satisfies stays; -P upgrades one package, -U all", async () => {
    const py = await venv("prefer");
    assert.equal((await install(["alpha==1.0", "delta"], py)).status, 0);
    const kept = await install(["beta"], py);
    assert.equal(kept.status, 0, kept.stderr);
    assert.match(kept.stderr, /Installed 1 package in .+\n \+ beta==1\.0\n$/);
    assert.equal(await freeze(py), "alpha==1.0\nbeta==1.0\ndelta==0.5\n");

    const one = await install(["beta", "-P", "alpha"], py);
    assert.equal(one.status, 0, one.stderr);
    assert.match(
      one.stderr,
      /Uninstalled 1 package in .+\nInstalled 1 package in .+\n - alpha==1\.0\n \+ alpha==2\.0\n$/,
    );

    assert.equal((await install(["alpha==1.0"], py)).status, 0);
    const all = await install(["beta", "-U"], py);
    assert.equal(all.status, 0, all.stderr);
    assert.match(all.stderr, / - alpha==1\.0\n \+ alpha==2\.0\n$/);
    assert.equal(await freeze(py), "alpha==2.0\nbeta==1.0\ndelta==0.5\n", "delta is left alone");
  });

  test("constraints, overrides, extras and --no-deps", async () => {
    const py = await venv("inputs");
    const constrained = await install(["beta", "-c", file("c.txt", ["alpha<2"])], py);
    assert.equal(constrained.status, 0, constrained.stderr);
    assert.equal(await freeze(py), "alpha==1.0\nbeta==1.0\n");

    const py2 = await venv("inputs2");
    // The override replaces beta's `alpha>=1` requirement too.
    const overridden = await install(["beta", "--override", file("o.txt", ["alpha==1.0"])], py2);
    assert.equal(overridden.status, 0, overridden.stderr);
    assert.equal(await freeze(py2), "alpha==1.0\nbeta==1.0\n");

    const py3 = await venv("inputs3");
    const extras = await install(["gamma[fast]"], py3);
    assert.equal(extras.status, 0, extras.stderr);
    assert.equal(await freeze(py3), "alpha==2.0\nbeta==1.0\ndelta==0.5\ngamma==3.0\n");

    const py4 = await venv("inputs4");
    const noDeps = await install(["gamma", "--no-deps"], py4);
    assert.equal(noDeps.status, 0, noDeps.stderr);
    assert.equal(await freeze(py4), "gamma==3.0\n");
  });

  test("--dry-run prints the changes and changes nothing", async () => {
    const py = await venv("dry");
    assert.equal((await install(["alpha==1.0"], py)).status, 0);
    const before = snapshotTree(join(root, "dry"));
    const dry = await install(["beta", "-U", "--dry-run"], py);
    assert.equal(dry.status, 0, dry.stderr);
    assert.match(
      dry.stderr,
      /Would uninstall 1 package\nWould install 2 packages\n - alpha==1\.0\n \+ alpha==2\.0\n \+ beta==1\.0\n$/,
    );
    assert.deepEqual(snapshotTree(join(root, "dry")), before);
  });

  test("no solution: exit 1 with the resolver's report, nothing installed", async () => {
    const py = await venv("nosolution");
    const result = await install(["beta", "alpha<1"], py);
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, /No solution found when resolving dependencies/);
    assert.match(result.stderr, /alpha/);
    assert.equal(await freeze(py), "");
  });

  test("-r with hashes: every package needs one; a matching set installs", async () => {
    const py = await venv("hashes");
    const partial = await install(
      ["-r", file("h1.txt", [`beta==1.0 --hash=sha256:${wheels.beta.sha256}`])],
      py,
    );
    assert.equal(partial.status, 1);
    assert.match(partial.stderr, /every package must be listed with a hash, but `alpha`/);

    const full = await install(
      [
        "-r",
        file("h2.txt", [
          `beta==1.0 --hash=sha256:${wheels.beta.sha256}`,
          `alpha==1.0 --hash=sha256:${wheels.alpha1.sha256}`,
        ]),
      ],
      py,
    );
    assert.equal(full.status, 0, full.stderr);
    assert.equal(await freeze(py), "alpha==1.0\nbeta==1.0\n");

    const wrong = await install(
      ["-r", file("h3.txt", [`delta==0.5 --hash=sha256:${"f".repeat(64)}`])],
      py,
    );
    assert.equal(wrong.status, 1);
    assert.match(wrong.stderr, /Hash mismatch for .*delta-0\.5-py3-none-any\.whl/);
  });

  test("an editable that is not a readable project is a clear error naming it", async () => {
    const py = await venv("editable");
    const result = await install(["-e", "./project"], py);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /\.\/project does not exist/);
  });
});
