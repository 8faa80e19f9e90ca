import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { IndexServer } from "../support/index-server.ts";
import { newestPyenvPython } from "../support/pyenv-pythons.ts";
import { RealVenvs } from "../support/real-venv.ts";
import { runPuffin } from "../support/run-puffin.ts";
import { testDirectory } from "../support/temp-dir.ts";
import { type BuiltWheel, buildWheel } from "../support/wheel-builder.ts";

// `puffin pip sync pylock.toml` and `puffin pip install -r pylock.toml`: a PEP 751 lock installed
// as the lock selects for the venv's interpreter, every file checked against the lock's hashes.

const python = newestPyenvPython();
const skip = python === undefined ? "no pyenv Python 3.8+ on this machine" : false;
const root = testDirectory("cli-pip-sync-pylock");
const cacheDir = join(root, "cache");
const env = { PATH: "/usr/bin:/bin" };

const wheels = {
  alpha: buildWheel({ name: "alpha", version: "1.0", files: { "alpha/__init__.py": "V = 1\n" } }),
  /** A wheel no Linux CPython can use: the lock lists it first, the selection must skip it. */
  alphaWin: buildWheel({
    name: "alpha",
    version: "1.0",
    tags: "cp27-cp27m-win32",
    files: { "alpha/__init__.py": "V = 'win'\n" },
  }),
  beta: buildWheel({
    name: "beta",
    version: "2.0",
    requiresDist: ["alpha"],
    files: { "beta.py": "" },
  }),
  devtool: buildWheel({ name: "devtool", version: "0.3", files: { "devtool.py": "" } }),
  winonly: buildWheel({ name: "winonly", version: "1.0", files: { "winonly.py": "" } }),
  cli: buildWheel({ name: "cli-extra", version: "5.0", files: { "cli_extra.py": "" } }),
  stray: buildWheel({ name: "stray", version: "9.0", files: { "stray.py": "" } }),
  local: buildWheel({ name: "local-pkg", version: "0.1", files: { "local_pkg.py": "" } }),
};

let server: IndexServer;
let venvs: RealVenvs;

function wheelEntry(
  wheel: BuiltWheel,
  sha256 = wheel.sha256,
  url = server.fileUrl(wheel.filename),
) {
  return `{ name = "${wheel.filename}", url = "${url}", size = ${wheel.bytes.length}, hashes = { sha256 = "${sha256}" } }`;
}

/** A lock of alpha, beta, a `dev` group, a `cli` extra and a Windows-only package. */
function lockText(overrides: { betaSha256?: string; betaUrl?: string } = {}): string {
  return [
    'lock-version = "1.0"',
    'requires-python = ">=3.8"',
    'extras = ["cli"]',
    'dependency-groups = ["dev"]',
    "default-groups = []",
    'created-by = "test"',
    "",
    "[[packages]]",
    'name = "alpha"',
    'version = "1.0"',
    `index = "${server.indexUrl}"`,
    `wheels = [${wheelEntry(wheels.alphaWin)}, ${wheelEntry(wheels.alpha)}]`,
    "",
    "[[packages]]",
    'name = "beta"',
    'version = "2.0"',
    `wheels = [${wheelEntry(wheels.beta, overrides.betaSha256, overrides.betaUrl)}]`,
    "",
    "[[packages]]",
    'name = "cli-extra"',
    'version = "5.0"',
    "marker = \"'cli' in extras\"",
    `wheels = [${wheelEntry(wheels.cli)}]`,
    "",
    "[[packages]]",
    'name = "devtool"',
    'version = "0.3"',
    "marker = \"'dev' in dependency_groups\"",
    `wheels = [${wheelEntry(wheels.devtool)}]`,
    "",
    "[[packages]]",
    'name = "winonly"',
    'version = "1.0"',
    "marker = \"sys_platform == 'win32'\"",
    `wheels = [${wheelEntry(wheels.winonly)}]`,
    "",
    "[[packages]]",
    'name = "local-pkg"',
    'version = "0.1"',
    `wheels = [{ path = "wheels/${wheels.local.filename}", hashes = { sha256 = "${wheels.local.sha256}" } }]`,
    "",
  ].join("\n");
}

/** Writes a lock into its own directory (so its relative `path` entries resolve there). */
function writeLock(name: string, text: string, fileName = "pylock.toml"): string {
  const dir = join(root, name);
  mkdirSync(join(dir, "wheels"), { recursive: true });
  writeFileSync(join(dir, "wheels", wheels.local.filename), wheels.local.bytes);
  const path = join(dir, fileName);
  writeFileSync(path, text);
  return path;
}

function pip(args: readonly string[], venvPython: string) {
  return runPuffin(
    [
      "--cache-dir",
      cacheDir,
      "pip",
      ...args,
      "--python",
      venvPython,
      "--index-url",
      server.indexUrl,
    ],
    { env, cwd: root },
  );
}

async function freeze(venvPython: string): Promise<string> {
  return (
    await runPuffin(["--cache-dir", cacheDir, "pip", "freeze", "--python", venvPython], {
      env,
      cwd: root,
    })
  ).stdout;
}

describe("puffin pip sync pylock.toml", { skip }, () => {
  before(async () => {
    venvs = await RealVenvs.of(python!.executable, root);
    server = await IndexServer.start({ files: Object.values(wheels) });
  });
  after(() => server.close());

  test("installs exactly the lock's selection for the interpreter, and removes the rest", async () => {
    const py = await venvs.create("sync");
    const stray = await pip(["install", "stray==9.0"], py);
    assert.equal(stray.status, 0, stray.stderr);
    const lock = writeLock("sync", lockText());
    const result = await pip(["sync", lock], py);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /Resolved 3 packages/);
    assert.match(result.stderr, / - stray==9\.0/);
    assert.equal(await freeze(py), "alpha==1.0\nbeta==2.0\nlocal-pkg==0.1\n");
    // The py3 wheel of alpha, not the Windows one listed first.
    const downloaded = server.requests.map((r) => r.path);
    assert.ok(downloaded.includes(`/files/${wheels.alpha.filename}`));
    assert.ok(!downloaded.includes(`/files/${encodeURIComponent(wheels.alphaWin.filename)}`));

    const again = await pip(["sync", lock], py);
    assert.equal(again.status, 0, again.stderr);
    assert.doesNotMatch(again.stderr, /Installed|Uninstalled/);
  });

  test("--extra and --group select from the lock; a named lock file works too", async () => {
    const py = await venvs.create("groups");
    const lock = writeLock("groups", lockText(), "pylock.ci.toml");
    const result = await pip(["sync", lock, "--extra", "cli", "--group", "dev"], py);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(
      await freeze(py),
      "alpha==1.0\nbeta==2.0\ncli-extra==5.0\ndevtool==0.3\nlocal-pkg==0.1\n",
    );
    const unknown = await pip(["sync", lock, "--group", "docs"], py);
    assert.equal(unknown.status, 1, unknown.stderr);
    assert.match(unknown.stderr, /has no group `docs`/);
  });

  test("pip install -r pylock.toml installs the selection and keeps what else is there", async () => {
    const py = await venvs.create("install");
    assert.equal((await pip(["install", "stray==9.0"], py)).status, 0);
    const lock = writeLock("install", lockText());
    const result = await pip(["install", "-r", lock, "--all-extras"], py);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(
      await freeze(py),
      "alpha==1.0\nbeta==2.0\ncli-extra==5.0\nlocal-pkg==0.1\nstray==9.0\n",
    );
  });

  test("a file whose hash differs from the lock's is refused, and nothing is installed", async () => {
    const py = await venvs.create("mismatch");
    const lock = writeLock("mismatch", lockText({ betaSha256: "f".repeat(64) }));
    const result = await pip(["sync", lock], py);
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, /Hash mismatch for .*beta-2\.0-py3-none-any\.whl/);
    assert.equal(await freeze(py), "");
  });

  test("a mismatching file behind a URL with credentials never prints them", async () => {
    const py = await venvs.create("credentials");
    const url = server.fileUrl(wheels.beta.filename).replace("://", "://user:s3cr3t@");
    const lock = writeLock("credentials", lockText({ betaSha256: "e".repeat(64), betaUrl: url }));
    const result = await pip(["sync", lock], py);
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, /Hash mismatch/);
    assert.doesNotMatch(result.stderr + result.stdout, /s3cr3t/);
  });

  test("a lock whose requires-python excludes the interpreter is refused before anything", async () => {
    const py = await venvs.create("excluded");
    const lock = writeLock("excluded", lockText().replace('">=3.8"', '"<3"'));
    const result = await pip(["sync", lock], py);
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, /requires Python <3, but the target is Python 3\./);
  });

  test("a malformed lock names the key; a lock mixed with other requirements is refused", async () => {
    const py = await venvs.create("bad");
    const broken = writeLock("broken", lockText().replace('name = "beta"', "name = 7"));
    const result = await pip(["sync", broken], py);
    assert.equal(result.status, 1, result.stderr);
    assert.match(
      result.stderr,
      /pylock\.toml: `packages\[1\]\.name`: expected a string, found an integer/,
    );

    const lock = writeLock("mixed", lockText());
    const reqs = join(root, "mixed", "requirements.txt");
    writeFileSync(reqs, "alpha==1.0\n");
    const mixed = await pip(["sync", lock, reqs], py);
    assert.equal(mixed.status, 1, mixed.stderr);
    assert.match(mixed.stderr, /cannot be combined with other requirements/);
    const installMixed = await pip(["install", "-r", lock, "stray"], py);
    assert.equal(installMixed.status, 1, installMixed.stderr);
    assert.match(installMixed.stderr, /cannot be combined with other requirements \(`stray`\)/);
    const group = await pip(["sync", reqs, "--group", "dev"], py);
    assert.equal(group.status, 1, group.stderr);
    assert.match(group.stderr, /select from a `pylock\.toml`, and none is given/);
  });
});
