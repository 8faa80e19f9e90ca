import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ExtraName, GroupName } from "../../src/normalize/index.ts";
import { type MarkerEnvironment, markerEnvironmentFromRecord } from "../../src/pep508/index.ts";
import { Tags } from "../../src/platform-tags/index.ts";
import { type PylockSelected, parsePylock, selectFromPylock } from "../../src/pylock/index.ts";

const LINUX_312: MarkerEnvironment = markerEnvironmentFromRecord({
  implementation_name: "cpython",
  implementation_version: "3.12.1",
  os_name: "posix",
  platform_machine: "x86_64",
  platform_python_implementation: "CPython",
  platform_release: "6.1.0",
  platform_system: "Linux",
  platform_version: "#1 SMP",
  python_full_version: "3.12.1",
  python_version: "3.12",
  sys_platform: "linux",
});
const LINUX_312_TAGS = Tags.fromEnv({
  pythonVersion: [3, 12],
  implementation: "cpython",
  platform: { os: "manylinux", major: 2, minor: 28, arch: "x86_64" },
});
const TARGET = { environment: LINUX_312, tags: LINUX_312_TAGS };

const hashes = `hashes = { sha256 = "${"a".repeat(64)}" }`;
const wheel = (file: string) => `{ url = "https://files.example/${file}", ${hashes} }`;
const sdist = (file: string) => `sdist = { url = "https://files.example/${file}", ${hashes} }`;

function lock(...lines: string[]) {
  return parsePylock(
    ['lock-version = "1.0"', 'created-by = "test"', ...lines].join("\n"),
    "pylock.toml",
  );
}

/** `name` → what was chosen (`wheel:<file>`, `sdist`, `directory`…). */
function chosen(selection: readonly PylockSelected[]): Record<string, string> {
  return Object.fromEntries(
    selection.map(({ package: pkg, choice }) => [
      pkg.name,
      choice.kind === "wheel" ? `wheel:${choice.filename.toString()}` : choice.kind,
    ]),
  );
}

describe("selectFromPylock", () => {
  const groupsLock = lock(
    'extras = ["cli", "docs"]',
    'dependency-groups = ["dev", "test"]',
    'default-groups = ["dev"]',
    "[[packages]]",
    'name = "base"',
    'version = "1.0"',
    `wheels = [${wheel("base-1.0-py3-none-any.whl")}]`,
    "[[packages]]",
    'name = "click"',
    'version = "8.0"',
    "marker = \"'cli' in extras\"",
    `wheels = [${wheel("click-8.0-py3-none-any.whl")}]`,
    "[[packages]]",
    'name = "pytest"',
    'version = "8.0"',
    "marker = \"'test' in dependency_groups\"",
    `wheels = [${wheel("pytest-8.0-py3-none-any.whl")}]`,
    "[[packages]]",
    'name = "ruff"',
    'version = "0.1"',
    "marker = \"'dev' in dependency_groups and sys_platform == 'linux'\"",
    `wheels = [${wheel("ruff-0.1-py3-none-any.whl")}]`,
    "[[packages]]",
    'name = "pywin32"',
    'version = "306"',
    "marker = \"sys_platform == 'win32'\"",
    `wheels = [${wheel("pywin32-306-cp312-cp312-win_amd64.whl")}]`,
  );

  test("markers are evaluated with extras and the default groups when none are requested", () => {
    assert.deepEqual(Object.keys(chosen(selectFromPylock(groupsLock, TARGET))), ["base", "ruff"]);
  });

  test("requested extras and groups replace the defaults; an empty group list selects none", () => {
    const names = (extras: string[], groups: string[] | undefined) =>
      Object.keys(
        chosen(
          selectFromPylock(groupsLock, {
            ...TARGET,
            extras: extras.map((e) => ExtraName.parse(e)),
            dependencyGroups: groups?.map((g) => GroupName.parse(g)),
          }),
        ),
      );
    assert.deepEqual(names(["cli"], undefined), ["base", "click", "ruff"]);
    assert.deepEqual(names([], ["test"]), ["base", "pytest"]);
    assert.deepEqual(names(["cli"], ["test", "dev"]), ["base", "click", "pytest", "ruff"]);
    assert.deepEqual(names([], []), ["base"]);
  });

  test("an extra or group the lock does not list is refused", () => {
    assert.throws(
      () => selectFromPylock(groupsLock, { ...TARGET, extras: [ExtraName.parse("nope")] }),
      { code: "pylock-unknown-selection", message: /has no extra `nope`/ },
    );
    assert.throws(
      () => selectFromPylock(groupsLock, { ...TARGET, dependencyGroups: [GroupName.parse("x")] }),
      { code: "pylock-unknown-selection", message: /has no group `x`/ },
    );
  });

  test("requires-python and environments that exclude the target are refused", () => {
    assert.throws(
      () => selectFromPylock(lock('requires-python = ">=3.13"', "packages = []"), TARGET),
      {
        code: "pylock-excludes-target",
        message: /pylock\.toml requires Python >=3\.13, but the target is Python 3\.12\.1/,
      },
    );
    assert.throws(
      () =>
        selectFromPylock(
          lock(
            "environments = [\"sys_platform == 'win32'\", \"sys_platform == 'darwin'\"]",
            "packages = []",
          ),
          TARGET,
        ),
      {
        code: "pylock-excludes-target",
        message:
          /supports only the environments `sys_platform == "win32"`, `sys_platform == "darwin"`, and the target \(cpython 3\.12\.1 on linux x86_64\) is none of them/,
      },
    );
    const ok = lock(
      'requires-python = ">=3.12"',
      "environments = [\"sys_platform == 'win32'\", \"sys_platform == 'linux'\"]",
      "packages = []",
    );
    assert.deepEqual(selectFromPylock(ok, TARGET), []);
  });

  test("a selected package whose requires-python excludes the target is refused; a skipped one is not", () => {
    const text = (marker: string) =>
      lock(
        "[[packages]]",
        'name = "new"',
        'version = "1.0"',
        marker,
        'requires-python = ">=3.13"',
        `wheels = [${wheel("new-1.0-py3-none-any.whl")}]`,
      );
    assert.throws(() => selectFromPylock(text(""), TARGET), {
      code: "pylock-excludes-target",
      message: /package `new` \(packages\[0\]\) requires Python >=3\.13/,
    });
    assert.deepEqual(selectFromPylock(text("marker = \"python_version >= '3.13'\""), TARGET), []);
  });

  test("two entries of one package selected at once are ambiguous; disjoint markers are fine", () => {
    const text = (second: string) =>
      lock(
        "[[packages]]",
        'name = "numpy"',
        'version = "1.26.4"',
        "marker = \"python_version < '3.13'\"",
        `wheels = [${wheel("numpy-1.26.4-py3-none-any.whl")}]`,
        "[[packages]]",
        'name = "numpy"',
        'version = "2.1.0"',
        second,
        `wheels = [${wheel("numpy-2.1.0-py3-none-any.whl")}]`,
      );
    assert.throws(() => selectFromPylock(text(""), TARGET), {
      code: "pylock-ambiguous-package",
      message: /packages\[0\] and packages\[1\] both install `numpy`/,
    });
    assert.deepEqual(
      chosen(selectFromPylock(text("marker = \"python_version >= '3.13'\""), TARGET)),
      { numpy: "wheel:numpy-1.26.4-py3-none-any.whl" },
    );
  });

  test("the wheel the target's tags prefer most is chosen, whatever the order listed", () => {
    const selection = selectFromPylock(
      lock(
        "[[packages]]",
        'name = "numpy"',
        'version = "2.1.0"',
        "wheels = [",
        `  ${wheel("numpy-2.1.0-cp312-cp312-macosx_14_0_arm64.whl")},`,
        `  ${wheel("numpy-2.1.0-py3-none-any.whl")},`,
        `  ${wheel("numpy-2.1.0-cp312-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64.whl")},`,
        `  ${wheel("numpy-2.1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl")},`,
        `  ${wheel("numpy-2.1.0-cp312-cp312-win_amd64.whl")},`,
        `  ${wheel("numpy-2.1.0-cp313-cp313-manylinux_2_17_x86_64.whl")},`,
        "]",
        sdist("numpy-2.1.0.tar.gz"),
      ),
      TARGET,
    );
    assert.deepEqual(chosen(selection), {
      numpy: "wheel:numpy-2.1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    });
  });

  test("no compatible wheel falls back to the sdist", () => {
    const selection = selectFromPylock(
      lock(
        "[[packages]]",
        'name = "numpy"',
        'version = "2.1.0"',
        `wheels = [${wheel("numpy-2.1.0-cp312-cp312-win_amd64.whl")}]`,
        sdist("numpy-2.1.0.tar.gz"),
      ),
      TARGET,
    );
    assert.deepEqual(chosen(selection), { numpy: "sdist" });
    assert.equal(
      selection[0]?.choice.kind === "sdist" && selection[0].choice.filename.toString(),
      "numpy-2.1.0.tar.gz",
    );
  });

  test("no compatible wheel and no sdist says which package and why", () => {
    assert.throws(
      () =>
        selectFromPylock(
          lock(
            "[[packages]]",
            'name = "numpy"',
            'version = "2.1.0"',
            "wheels = [",
            `  ${wheel("numpy-2.1.0-cp312-cp312-win_amd64.whl")},`,
            `  ${wheel("numpy-2.1.0-cp312-cp312-macosx_14_0_arm64.whl")},`,
            "]",
          ),
          TARGET,
        ),
      {
        code: "pylock-no-usable-file",
        message:
          /package `numpy` \(packages\[0\]\) has no file for the target: none of its 2 wheels fits cp312-cp312-manylinux_2_28_x86_64, and no sdist/,
      },
    );
  });

  test("vcs, directory and archive sources are taken as they are", () => {
    const selection = selectFromPylock(
      lock(
        "[[packages]]",
        'name = "a"',
        'directory = { path = "./a" }',
        "[[packages]]",
        'name = "b"',
        'vcs = { type = "git", url = "https://example/b.git", commit-id = "abc" }',
        "[[packages]]",
        'name = "c"',
        `archive = { url = "https://example/c-1.0.tar.gz", ${hashes} }`,
      ),
      TARGET,
    );
    assert.deepEqual(chosen(selection), { a: "directory", b: "vcs", c: "archive" });
    assert.deepEqual(
      selection.map((s) => s.index),
      [0, 1, 2],
    );
  });
});
