import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { IndexServer } from "../support/index-server.ts";
import { snapshotTree } from "../support/install-target.ts";
import { newestPyenvPython } from "../support/pyenv-pythons.ts";
import { RealVenvs } from "../support/real-venv.ts";
import { runPuffin } from "../support/run-puffin.ts";
import { testDirectory } from "../support/temp-dir.ts";
import { buildWheel } from "../support/wheel-builder.ts";

const run = promisify(execFile);
const python = newestPyenvPython();
const skip = python === undefined ? "no pyenv Python 3.8+ on this machine" : false;
const root = testDirectory("cli-pip-sync");
const cacheDir = join(root, "cache");
const env = { PATH: "/usr/bin:/bin" };

const wheels = {
  alpha1: buildWheel({ name: "alpha", version: "1.0", files: { "alpha/__init__.py": "V = 1\n" } }),
  alpha2: buildWheel({ name: "alpha", version: "2.0", files: { "alpha/__init__.py": "V = 2\n" } }),
  beta: buildWheel({
    name: "beta",
    version: "1.0",
    requiresDist: ["alpha>=1"],
    files: {
      "beta/__init__.py": "import alpha\n",
      "beta/cli.py": "def main():\n    print('beta cli')\n",
    },
    entryPoints: { console_scripts: { "beta-cli": "beta.cli:main" } },
  }),
  gamma: buildWheel({
    name: "gamma",
    version: "3.0",
    requiresDist: ["beta"],
    files: { "gamma.py": "G = 3\n" },
  }),
  liar: buildWheel({ name: "liar", version: "1.0", files: { "liar.py": "" } }),
  local: buildWheel({ name: "local-pkg", version: "0.1", files: { "local_pkg.py": "L = 1\n" } }),
};
const BAD = "f".repeat(64);

let server: IndexServer;
let venvs: RealVenvs;
const venv = (name: string) => venvs.create(name);

function requirements(name: string, lines: readonly string[]): string {
  const path = join(root, name);
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

function puffin(args: readonly string[], venvPython: string, extra: readonly string[] = []) {
  return runPuffin(["--cache-dir", cacheDir, "pip", ...args, "--python", venvPython, ...extra], {
    env,
    cwd: root,
  });
}

function sync(files: readonly string[], venvPython: string, extra: readonly string[] = []) {
  return puffin(["sync", ...files], venvPython, ["--index-url", server.indexUrl, ...extra]);
}

async function freeze(venvPython: string): Promise<string> {
  return (await puffin(["freeze"], venvPython)).stdout;
}

const fileDownloads = () =>
  server.requests.filter((r) => r.path.startsWith("/files/") && !r.path.endsWith(".metadata"));

describe("puffin pip sync | uninstall | tree", { skip }, () => {
  before(async () => {
    venvs = await RealVenvs.of(python!.executable, root);
    server = await IndexServer.start({
      files: [
        wheels.alpha1,
        wheels.alpha2,
        wheels.beta,
        wheels.gamma,
        { ...wheels.liar, advertisedSha256: BAD },
      ],
    });
    writeFileSync(join(root, wheels.local.filename), wheels.local.bytes);
  });
  after(() => server.close());

  test("installs the pins, then a second sync is a no-op that downloads nothing", async () => {
    const py = await venv("first");
    const file = requirements("first.txt", ["alpha==1.0", "beta==1.0"]);
    const first = await sync([file], py);
    assert.equal(first.status, 0, first.stderr);
    assert.match(
      first.stderr,
      /^Resolved 2 packages in \d+ms\nPrepared 2 packages in .+\nInstalled 2 packages in .+\n \+ alpha==1\.0\n \+ beta==1\.0\n$/,
    );
    assert.equal(await freeze(py), "alpha==1.0\nbeta==1.0\n");
    const site = (await venvs.probe(py)).info.scheme.purelib;
    assert.ok(existsSync(join(site, "beta-1.0.dist-info", "REQUESTED")));
    const script = await run(join(root, "first", "bin", "beta-cli"), [], { env });
    assert.equal(script.stdout, "beta cli\n");

    server.clearRequests();
    const again = await sync([file], py);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stderr, /^Resolved 2 packages in \d+ms\nAudited 2 packages in \d+ms\n$/);
    assert.deepEqual(server.requests, [], "a no-op sync sends no request at all");
  });

  test("a warm cache installs into a new venv without downloading", async () => {
    const py = await venv("warm");
    server.clearRequests();
    const result = await sync([requirements("warm.txt", ["alpha==1.0", "beta==1.0"])], py);
    assert.equal(result.status, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /Prepared/);
    assert.match(result.stderr, /Installed 2 packages/);
    assert.deepEqual(fileDownloads(), []);
  });

  test("changed pins reinstall, extraneous distributions go, --dry-run changes nothing", async () => {
    const py = await venv("change");
    assert.equal((await sync([requirements("c1.txt", ["alpha==1.0", "beta==1.0"])], py)).status, 0);
    const next = requirements("c2.txt", ["alpha==2.0", "gamma==3.0"]);
    const before = snapshotTree(join(root, "change"));
    const dry = await sync([next], py, ["--dry-run"]);
    assert.equal(dry.status, 0, dry.stderr);
    assert.match(
      dry.stderr,
      /Would download 2 packages\nWould uninstall 2 packages\nWould install 2 packages\n - alpha==1\.0\n \+ alpha==2\.0\n - beta==1\.0\n \+ gamma==3\.0\n$/,
    );
    assert.deepEqual(snapshotTree(join(root, "change")), before);

    const result = await sync([next], py);
    assert.equal(result.status, 0, result.stderr);
    assert.match(
      result.stderr,
      /Uninstalled 2 packages in .+\nInstalled 2 packages in .+\n - alpha==1\.0\n \+ alpha==2\.0\n - beta==1\.0\n \+ gamma==3\.0\n$/,
    );
    assert.equal(await freeze(py), "alpha==2.0\ngamma==3.0\n");
    assert.ok(!existsSync(join(root, "change", "bin", "beta-cli")));
    const imported = await run(py, ["-c", "import alpha; print(alpha.V)"], { env });
    assert.equal(imported.stdout, "2\n");

    const reinstall = await sync([next], py, ["--reinstall-package", "gamma"]);
    assert.match(reinstall.stderr, / - gamma==3\.0\n \+ gamma==3\.0\n$/);
  });

  test("--require-hashes: a matching hash installs, a wrong one names the file and both hashes", async () => {
    const py = await venv("hashes");
    const missing = await sync([requirements("h0.txt", ["alpha==1.0"])], py, ["--require-hashes"]);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /every requirement must have a hash, but `alpha==1\.0` has none/);

    const good = await sync(
      [requirements("h1.txt", [`alpha==1.0 --hash=sha256:${wheels.alpha1.sha256}`])],
      py,
    );
    assert.equal(good.status, 0, good.stderr);
    const bad = await sync([requirements("h2.txt", [`alpha==2.0 --hash=sha256:${BAD}`])], py);
    assert.equal(bad.status, 1);
    assert.match(
      bad.stderr,
      /Hash mismatch for http:\/\/127\.0\.0\.1:\d+\/files\/alpha-2\.0-py3-none-any\.whl/,
    );
    assert.ok(
      bad.stderr.includes(`expected sha256:${BAD}, computed sha256:${wheels.alpha2.sha256}`),
    );
    assert.equal(await freeze(py), "alpha==1.0\n", "the environment is unchanged");
  });

  test("a wheel that does not match the index's hash is an error and changes nothing", async () => {
    const py = await venv("liar");
    assert.equal((await sync([requirements("l1.txt", ["alpha==1.0"])], py)).status, 0);
    const result = await sync([requirements("l2.txt", ["liar==1.0"])], py);
    assert.equal(result.status, 1);
    assert.match(
      result.stderr,
      new RegExp(`expected sha256:${BAD}, computed sha256:${wheels.liar.sha256}`),
    );
    assert.equal(await freeze(py), "alpha==1.0\n");
  });

  test("path wheels get direct_url.json; unpinned and missing source requirements are clear errors", async () => {
    const py = await venv("direct");
    const wheelPath = join(root, wheels.local.filename);
    const result = await sync([requirements("d1.txt", [wheelPath])], py);
    assert.equal(result.status, 0, result.stderr);
    const url = pathToFileURL(wheelPath).href;
    assert.match(result.stderr, new RegExp(` \\+ local-pkg @ ${url}\n$`));
    assert.equal(await freeze(py), `local-pkg @ ${url}\n`);
    const site = (await venvs.probe(py)).info.scheme.purelib;
    const direct = JSON.parse(
      readFileSync(join(site, "local_pkg-0.1.dist-info", "direct_url.json"), "utf8"),
    );
    assert.equal(direct.url, url);
    assert.match(
      (await sync([requirements("d1b.txt", [wheelPath])], py)).stderr,
      /Audited 1 package/,
    );

    const unpinned = await sync([requirements("d2.txt", ["alpha>=1"])], py);
    assert.equal(unpinned.status, 1);
    assert.match(unpinned.stderr, /d2\.txt:1: `alpha>=1` is not pinned to one version/);
    const missing = await sync([requirements("d3.txt", ["./some-project"])], py);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /\.\/some-project does not exist/);
  });

  test("--compile-bytecode compiles the installed files; --strict reports missing dependencies", async () => {
    const py = await venv("compile");
    const result = await sync([requirements("b.txt", ["beta==1.0"])], py, [
      "--compile-bytecode",
      "--strict",
      "--link-mode",
      "copy",
    ]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /\nBytecode compiled 2 files in \d+ms\n/);
    assert.match(
      result.stderr,
      /warning: The package `beta` requires `alpha>=1`, but it's not installed\n$/,
    );
    const site = (await venvs.probe(py)).info.scheme.purelib;
    const compiled = readdirSync(join(site, "beta", "__pycache__")).sort();
    assert.equal(compiled.length, 2);
    assert.ok(compiled.every((name) => name.endsWith(".pyc")));
    const badMode = await sync([requirements("b2.txt", ["beta==1.0"])], py, [
      "--link-mode",
      "symlink",
    ]);
    assert.equal(badMode.status, 1);
    assert.match(badMode.stderr, /Invalid link mode "symlink"/);
  });

  test("pip uninstall removes packages (dry run first) and warns about missing ones", async () => {
    const py = await venv("uninstall");
    const fresh = snapshotTree(join(root, "uninstall"));
    assert.equal((await sync([requirements("u.txt", ["alpha==1.0", "beta==1.0"])], py)).status, 0);
    const dry = await puffin(["uninstall", "beta", "--dry-run"], py);
    assert.equal(dry.stderr, "Would uninstall 1 package\n - beta==1.0\n");
    assert.equal(await freeze(py), "alpha==1.0\nbeta==1.0\n");
    const result = await puffin(["uninstall", "-r", join(root, "u.txt"), "nothere"], py);
    assert.equal(result.status, 0, result.stderr);
    assert.match(
      result.stderr,
      /warning: Skipping nothere as it is not installed\nUninstalled 2 packages in \d+ms\n - alpha==1\.0\n - beta==1\.0\n$/,
    );
    const after = snapshotTree(join(root, "uninstall"));
    after.delete(".lock");
    assert.deepEqual(after, fresh);
  });

  test("pip tree draws dependencies with (*) for repeated subtrees", async () => {
    const py = await venv("tree");
    const file = requirements("t.txt", ["alpha==2.0", "beta==1.0", "gamma==3.0"]);
    assert.equal((await sync([file], py)).status, 0);
    const tree = await puffin(["tree"], py);
    assert.equal(tree.stdout, "gamma v3.0\n└── beta v1.0\n    └── alpha v2.0\n");
    const inverted = await puffin(["tree", "--invert"], py);
    assert.equal(inverted.stdout, "alpha v2.0\n└── beta v1.0\n    └── gamma v3.0\n");
    const shallow = await puffin(["tree", "--depth", "1"], py);
    assert.equal(shallow.stdout, "gamma v3.0\n└── beta v1.0\n");
  });
});
