// `puffin pip compile` and `puffin pip sync` with requirements that need builds: an sdist-only
// package from a loopback index (which also serves the real build-backend wheels of
// test/corpora/build-backends for the build environments), a local path, a git repository made
// by the test and an editable project; into a real venv of a pyenv Python 3.12.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import { findGit, GitRepository } from "../support/git-repository.ts";
import { IndexServer } from "../support/index-server.ts";
import { pyenvPythons } from "../support/pyenv-pythons.ts";
import { runPuffin } from "../support/run-puffin.ts";
import { buildSdist } from "../support/sdist-builder.ts";
import { testDirectory, writeTree } from "../support/temp-dir.ts";

const python = pyenvPythons().find((p) => p.minor[0] === 3 && p.minor[1] === 12);
const skip =
  python === undefined
    ? "no pyenv Python 3.12 on this machine"
    : findGit() === undefined
      ? "no git on this machine"
      : false;
const backends = join(import.meta.dirname, "..", "corpora", "build-backends");
const root = testDirectory("source-commands");
const env = { PATH: process.env["PATH"], GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null" };

function project(name: string, version: string): Record<string, string> {
  return {
    "pyproject.toml": [
      "[build-system]",
      'requires = ["setuptools>=61"]',
      'build-backend = "setuptools.build_meta"',
      "[project]",
      `name = "${name}"`,
      `version = "${version}"`,
      "[tool.setuptools]",
      `packages = ["${name}"]`,
      "",
    ].join("\n"),
    [`${name}/__init__.py`]: `VALUE = "${version}"\n`,
  };
}

describe("pip compile and pip sync with source builds", { skip }, () => {
  let server: IndexServer;
  let venvPython: string;
  let commit: string;
  let gitBase: string;
  const cacheDir = join(root, "cache");
  const puffin = (...args: string[]) =>
    runPuffin(["--cache-dir", cacheDir, ...args], { env, cwd: root });

  before(async () => {
    server = await IndexServer.start({
      directory: backends,
      files: [buildSdist({ name: "sdonly", version: "1.0", dependencies: ["tomli"] })],
    });
    writeTree(join(root, "localproj"), project("localproj", "2.0"));
    writeTree(join(root, "editproj"), project("editproj", "0.1"));
    const repository = GitRepository.create(join(root, "repo"));
    commit = repository.commit("1.0", project("gitproj", "1.0"));
    repository.git("tag", "v1.0");
    repository.commit("2.0", project("gitproj", "2.0"));
    gitBase = `git+${pathToFileURL(repository.path).href}`;
    const venv = await runPuffin(
      ["--cache-dir", cacheDir, "venv", join(root, "venv"), "--python", python!.executable],
      { env, cwd: root },
    );
    assert.equal(venv.status, 0, venv.stderr);
    venvPython = join(root, "venv", "bin", "python");
    writeFileSync(
      join(root, "requirements.in"),
      ["sdonly", "./localproj", `gitproj @ ${gitBase}@v1.0`, "-e ./editproj", ""].join("\n"),
    );
  });
  after(() => server.close());

  test("compile pins sdist-only packages, paths as given, git at the full commit", async () => {
    const run = await puffin(
      "pip",
      "compile",
      "requirements.in",
      "-o",
      "requirements.txt",
      "--no-header",
      "--no-annotate",
      "--python",
      venvPython,
      "-i",
      server.indexUrl,
    );
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(run.stdout.trim().split("\n"), [
      "-e ./editproj",
      `gitproj @ ${gitBase}@${commit}`,
      "./localproj",
      "sdonly==1.0",
      "tomli==2.0.1",
    ]);
  });

  test("--no-build: compile fails naming the package", async () => {
    const input = join(root, "only-sdist.in");
    writeFileSync(input, "sdonly\n");
    const run = await puffin(
      "pip",
      "compile",
      input,
      "--no-build",
      "--python",
      venvPython,
      "-i",
      server.indexUrl,
    );
    assert.equal(run.status, 1);
    assert.match(run.stderr + run.stdout, /sdonly/);
  });

  test("sync installs them all (editable per PEP 660); a second sync builds nothing", async () => {
    const run = await puffin(
      "pip",
      "sync",
      "requirements.txt",
      "--python",
      venvPython,
      "-i",
      server.indexUrl,
    );
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /Installed 5 packages/);
    const values = execFileSync(
      venvPython,
      [
        "-c",
        "import sdonly, localproj, gitproj, editproj; print(localproj.VALUE, gitproj.VALUE, editproj.VALUE)",
      ],
      { encoding: "utf8" },
    ).trim();
    assert.equal(values, "2.0 1.0 0.1");
    const freeze = await puffin("pip", "freeze", "--python", venvPython);
    assert.match(
      freeze.stdout,
      new RegExp(`^-e ${pathToFileURL(join(root, "editproj")).href}$`, "m"),
    );
    assert.ok(freeze.stdout.split("\n").includes(`gitproj @ ${gitBase}@${commit}`), freeze.stdout);

    const again = await puffin(
      "pip",
      "sync",
      "requirements.txt",
      "--python",
      venvPython,
      "-i",
      server.indexUrl,
    );
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stderr, /Audited 5 packages/);
  });

  test("pip install -e PATH, an sdist and a git URL into a fresh venv", async () => {
    const venv = await puffin("venv", join(root, "venv2"), "--python", python!.executable);
    assert.equal(venv.status, 0, venv.stderr);
    const target = join(root, "venv2", "bin", "python");
    const run = await puffin(
      "pip",
      "install",
      "-e",
      "./editproj",
      "sdonly",
      `gitproj @ ${gitBase}@v1.0`,
      "--python",
      target,
      "-i",
      server.indexUrl,
    );
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /Installed 4 packages/);
    const freeze = await puffin("pip", "freeze", "--python", target);
    const lines = freeze.stdout.trim().split("\n");
    assert.ok(lines.includes(`-e ${pathToFileURL(join(root, "editproj")).href}`), freeze.stdout);
    assert.ok(lines.includes(`gitproj @ ${gitBase}@${commit}`), freeze.stdout);
    assert.ok(lines.includes("sdonly==1.0"), freeze.stdout);
  });
});
