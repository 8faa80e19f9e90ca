// `puffin pip compile pyproject.toml` with extras and PEP 735 dependency groups: in a
// requirements.txt they are resolved in as before; in a PEP 751 lock (universal or for one
// environment) what only an extra or a group needs carries `'x' in extras` /
// `'g' in dependency_groups` in its marker, the lock lists its extras and groups, and installing
// it (our `selectFromPylock`, and `puffin pip sync` into a real venv) with and without them
// installs the right packages. Broken groups are refused with the file and the group named.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ExtraName, GroupName } from "../../../src/normalize/index.ts";
import { type MarkerEnvironment, markerEnvironmentFromRecord } from "../../../src/pep508/index.ts";
import { Tags } from "../../../src/platform-tags/index.ts";
import { type Pylock, parsePylock, selectFromPylock } from "../../../src/pylock/index.ts";
import { IndexServer } from "../../support/index-server.ts";
import { pyenvPythons } from "../../support/pyenv-pythons.ts";
import { RealVenvs } from "../../support/real-venv.ts";
import { runPuffin } from "../../support/run-puffin.ts";
import { testDirectory } from "../../support/temp-dir.ts";
import { buildWheel } from "../../support/wheel-builder.ts";

const python = pyenvPythons().find((p) => p.minor[0] === 3 && p.minor[1] === 11);
const skip = python === undefined ? "no pyenv CPython 3.11 on this machine" : false;
const root = testDirectory("pip-compile-pylock-groups");
const env = { PUFFIN_CACHE_DIR: join(root, "cache"), PATH: "/usr/bin:/bin" };

const PYPROJECT = `
[project]
name = "proj"
version = "0.1"
dependencies = ["base-dep"]

[project.optional-dependencies]
fast = ["extra-dep", "win-extra ; sys_platform == 'win32'", "shared"]
unused = ["never-installed"]

[dependency-groups]
Test = ["group-dep", {include-group = "lint"}]
lint = ["lint-dep"]
`;

/** A CPython 3.11 environment on `platform` (`linux` or `win32`). */
function environment(platform: "linux" | "win32"): MarkerEnvironment {
  const linux = platform === "linux";
  return markerEnvironmentFromRecord({
    implementation_name: "cpython",
    implementation_version: "3.11.9",
    os_name: linux ? "posix" : "nt",
    platform_machine: linux ? "x86_64" : "AMD64",
    platform_python_implementation: "CPython",
    platform_release: "",
    platform_system: linux ? "Linux" : "Windows",
    platform_version: "",
    python_full_version: "3.11.9",
    python_version: "3.11",
    sys_platform: platform,
  });
}

/** The names `selectFromPylock` installs from `lock` with these extras and groups. */
function installs(
  lock: Pylock,
  options: { platform?: "linux" | "win32"; extras?: string[]; groups?: string[] } = {},
): string[] {
  return selectFromPylock(lock, {
    environment: environment(options.platform ?? "linux"),
    tags: Tags.fromEnv({
      pythonVersion: [3, 11],
      implementation: "cpython",
      platform: { os: "manylinux", major: 2, minor: 28, arch: "x86_64" },
    }),
    extras: (options.extras ?? []).map((e) => ExtraName.parse(e)),
    dependencyGroups: options.groups?.map((g) => GroupName.parse(g)),
  })
    .map((s) => s.package.name)
    .sort();
}

describe("puffin pip compile pyproject.toml with extras and groups", { skip }, () => {
  let server: IndexServer;
  before(async () => {
    server = await IndexServer.start({
      files: [
        buildWheel({ name: "base-dep", version: "1.0", requiresDist: ["shared"] }),
        buildWheel({ name: "shared", version: "1.0" }),
        buildWheel({ name: "extra-dep", version: "1.0", requiresDist: ["extra-sub"] }),
        buildWheel({ name: "extra-sub", version: "1.0" }),
        buildWheel({ name: "win-extra", version: "1.0" }),
        buildWheel({ name: "group-dep", version: "1.0", requiresDist: ["shared"] }),
        buildWheel({ name: "lint-dep", version: "1.0" }),
        buildWheel({ name: "never-installed", version: "1.0" }),
      ],
    });
    writeFileSync(join(root, "pyproject.toml"), PYPROJECT);
  });
  after(() => server.close());

  const compile = (args: string[], cwd = root) =>
    runPuffin(
      [
        "pip",
        "compile",
        "pyproject.toml",
        ...args,
        "--python",
        python!.executable,
        "-i",
        server.indexUrl,
        "--no-header",
      ],
      { cwd, env },
    );
  const lockAt = (name: string) => {
    const path = join(root, name);
    return parsePylock(readFileSync(path, "utf8"), path);
  };
  const markers = (lock: Pylock) =>
    Object.fromEntries(lock.packages.map((p) => [p.name, p.marker?.toString() ?? ""]));

  test("requirements.txt: the requested extras and groups are resolved in, without markers", async () => {
    const run = await compile(["--extra", "fast", "--group", "test", "--no-annotate"]);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(
      run.stdout,
      [
        "base-dep==1.0",
        "extra-dep==1.0",
        "extra-sub==1.0",
        "group-dep==1.0",
        "lint-dep==1.0",
        "shared==1.0",
        "",
      ].join("\n"),
    );
  });

  test("--all-groups and `pyproject.toml:NAME` select groups too", async () => {
    const all = await compile(["--all-groups", "--no-annotate"]);
    assert.equal(all.status, 0, all.stderr);
    assert.match(all.stdout, /group-dep==1\.0\nlint-dep==1\.0/);
    const byPath = await compile(["--group", "pyproject.toml:lint", "--no-annotate"]);
    assert.equal(byPath.status, 0, byPath.stderr);
    assert.equal(byPath.stdout, "base-dep==1.0\nlint-dep==1.0\nshared==1.0\n");
  });

  test("a universal lock: conditions in the markers, extras and groups listed", async () => {
    const run = await compile([
      "--universal",
      "--extra",
      "fast",
      "--group",
      "Test",
      "-o",
      "pylock.toml",
    ]);
    assert.equal(run.status, 0, run.stderr);
    const lock = lockAt("pylock.toml");
    assert.deepEqual(lock.extras, ["fast"]);
    assert.deepEqual(lock.dependencyGroups, ["test"]);
    assert.deepEqual(lock.defaultGroups, ["test"]);
    assert.deepEqual(markers(lock), {
      "base-dep": "",
      "extra-dep": '"fast" in extras',
      "extra-sub": '"fast" in extras',
      "group-dep": '"test" in dependency_groups',
      "lint-dep": '"test" in dependency_groups',
      // Needed by the project itself (through base-dep) and by the extra: no condition.
      shared: "",
      "win-extra": '"fast" in extras and sys_platform == "win32"',
    });

    assert.deepEqual(installs(lock, { groups: [] }), ["base-dep", "shared"]);
    assert.deepEqual(installs(lock), ["base-dep", "group-dep", "lint-dep", "shared"]);
    assert.deepEqual(installs(lock, { extras: ["fast"], groups: [] }), [
      "base-dep",
      "extra-dep",
      "extra-sub",
      "shared",
    ]);
    assert.deepEqual(installs(lock, { platform: "win32", extras: ["fast"], groups: [] }), [
      "base-dep",
      "extra-dep",
      "extra-sub",
      "shared",
      "win-extra",
    ]);
  });

  test("one environment's lock: the same conditions, the other platform's package left out", async () => {
    const run = await compile([
      "--extra",
      "fast",
      "--group",
      "test",
      "--group",
      "lint",
      "-o",
      "pylock.linux.toml",
    ]);
    assert.equal(run.status, 0, run.stderr);
    const lock = lockAt("pylock.linux.toml");
    assert.deepEqual(lock.extras, ["fast"]);
    assert.deepEqual(lock.dependencyGroups, ["lint", "test"]);
    assert.deepEqual(markers(lock), {
      "base-dep": "",
      "extra-dep": '"fast" in extras',
      "extra-sub": '"fast" in extras',
      "group-dep": '"test" in dependency_groups',
      "lint-dep": '"test" in dependency_groups or "lint" in dependency_groups',
      shared: "",
    });
    assert.deepEqual(installs(lock, { groups: ["lint"] }), ["base-dep", "lint-dep", "shared"]);
  });

  test("all extras: the lock lists every extra of the project", async () => {
    const run = await compile(["--all-extras", "--format", "pylock.toml"]);
    assert.equal(run.status, 0, run.stderr);
    const lock = parsePylock(run.stdout, "pylock.toml");
    assert.deepEqual(lock.extras, ["fast", "unused"]);
    assert.equal(lock.dependencyGroups, undefined);
    assert.equal(markers(lock)["never-installed"], '"unused" in extras');
  });

  test("puffin pip sync installs the lock's packages for the requested extras and groups", async () => {
    const venvs = await RealVenvs.of(python!.executable, join(root, "venvs"));
    const sync = async (venv: string, args: string[]) => {
      const run = await runPuffin(
        ["pip", "sync", "pylock.linux.toml", "--python", venv, "-i", server.indexUrl, ...args],
        { cwd: root, env },
      );
      assert.equal(run.status, 0, run.stderr);
      const freeze = await runPuffin(["pip", "freeze", "--python", venv], { cwd: root, env });
      return freeze.stdout;
    };
    const venv = await venvs.create("groups");
    assert.equal(
      await sync(venv, []),
      "base-dep==1.0\ngroup-dep==1.0\nlint-dep==1.0\nshared==1.0\n",
      "the default groups",
    );
    assert.equal(
      await sync(venv, ["--extra", "fast", "--group", "lint"]),
      "base-dep==1.0\nextra-dep==1.0\nextra-sub==1.0\nlint-dep==1.0\nshared==1.0\n",
    );
  });

  describe("refused", () => {
    const refused = async (args: string[], message: RegExp, pyproject?: string) => {
      let cwd = root;
      if (pyproject !== undefined) {
        cwd = join(root, `broken-${Math.random().toString(36).slice(2)}`);
        mkdirSync(cwd, { recursive: true });
        writeFileSync(join(cwd, "pyproject.toml"), pyproject);
      }
      const run = await compile(args, cwd);
      assert.equal(run.status, 1, run.stderr);
      assert.match(run.stderr, message);
    };

    test("a group no pyproject.toml declares", () =>
      refused(["--group", "nope"], /error: Requested dependency group not found: `nope`/));

    test("a group the named file does not declare", () =>
      refused(
        ["--group", "pyproject.toml:nope"],
        /error: Requested dependency group not found: `nope` is not declared in `\[dependency-groups\]` of `pyproject.toml`/,
      ));

    test("a cycle of includes", () =>
      refused(
        ["--group", "a"],
        /error: `pyproject.toml`: dependency group `a` includes itself: `a` -> `b` -> `a`/,
        '[project]\nname = "x"\nversion = "1"\n[dependency-groups]\na = [{include-group = "b"}]\nb = [{include-group = "a"}]\n',
      ));

    test("an entry that is not a string", () =>
      refused(
        ["--group", "a", "--format", "pylock.toml"],
        /error: `pyproject.toml`: entry 1 of dependency group `a` is neither/,
        '[project]\nname = "x"\nversion = "1"\n[dependency-groups]\na = [42]\n',
      ));
  });
});
