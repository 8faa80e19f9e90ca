import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { offlineIndex, startIndexServer } from "../../bench/offline-index.ts";
import {
  findPoetry,
  type PoetryDependency,
  poetryCommand,
  poetryDependency,
  poetryPyproject,
  setDependencies,
} from "../../bench/poetry.ts";
import { Requirement } from "../../src/pep508/index.ts";
import { pyenvPythons } from "../support/pyenv-pythons.ts";
import { testDirectory } from "../support/temp-dir.ts";

const translate = (text: string) => poetryDependency(Requirement.parse(text));

describe("PEP 508 → poetry dependency", () => {
  const cases: [string, PoetryDependency][] = [
    ["flask", { name: "flask", version: "*" }],
    ["Flask_Login", { name: "flask-login", version: "*" }],
    ["attrs >= 19.2.0", { name: "attrs", version: ">=19.2.0" }],
    ["exceptiongroup >= 1.0.0rc9", { name: "exceptiongroup", version: ">=1.0.0rc9" }],
    ["django>=4.2,<5", { name: "django", version: ">=4.2,<5" }],
    ["requests==2.31.0", { name: "requests", version: "==2.31.0" }],
    ["urllib3!=2.0.0,>=1.26", { name: "urllib3", version: "!=2.0.0,>=1.26" }],
    ["numpy==1.26.*", { name: "numpy", version: "==1.26.*" }],
    ["numpy!=1.*", { name: "numpy", version: "!=1.*" }],
    ["click~=8.1", { name: "click", version: "~=8.1" }],
    ["click~=8.1.3", { name: "click", version: "~=8.1.3" }],
    ["pkg>1.0.post1", { name: "pkg", version: ">1.0.post1" }],
    ["pkg<=1.0.post2", { name: "pkg", version: "<=1.0.post2" }],
    ["pkg<2.0rc1,>=1.0rc1", { name: "pkg", version: "<2.0rc1,>=1.0rc1" }],
    ["requests[socks]>=2", { name: "requests", version: ">=2", extras: ["socks"] }],
    ["Black[Jupyter, d]", { name: "black", version: "*", extras: ["d", "jupyter"] }],
    ['cffi; os_name == "nt"', { name: "cffi", version: "*", markers: 'os_name == "nt"' }],
    [
      "tomli>=1.1; python_version < '3.11'",
      { name: "tomli", version: ">=1.1", markers: 'python_version < "3.11"' },
    ],
    [
      'uvloop; sys_platform != "win32" and python_full_version >= "3.8.1"',
      {
        name: "uvloop",
        version: "*",
        markers: 'sys_platform != "win32" and python_full_version >= "3.8.1"',
      },
    ],
    [
      "pkg[x] @ https://example.com/pkg-1.0-py3-none-any.whl ; python_version >= '3.8'",
      {
        name: "pkg",
        url: "https://example.com/pkg-1.0-py3-none-any.whl",
        extras: ["x"],
        markers: 'python_version >= "3.8"',
      },
    ],
  ];
  for (const [input, expected] of cases) {
    test(input, () => assert.deepEqual(translate(input), expected));
  }

  const refused: [string, RegExp][] = [
    ["pkg===1.0", /arbitrary equality/],
    ["pkg>1.0", /`>1\.0`: poetry's `>` also matches post-releases/],
    ["pkg<=1.0", /`<=1\.0`: poetry's `<=` also matches post-releases/],
    ["pkg~=1.2.3.4", /next minor, PEP 440 by the next patch/],
    ["pkg==1.2.3.*", /major or major\.minor prefix/],
    ["pkg!=1!2.*", /without an epoch/],
    ["pkg==1.0+local", /local versions/],
    ["pkg<2,>=1.0rc1", /`<2`: poetry's range differs from PEP 440 on pre-releases/],
    ["pkg!=1.5,>=1.0b1", /`!=1\.5`: poetry's range differs/],
    ["pkg~=1.2,>=1.2rc1", /`~=1\.2`: poetry's range differs/],
    ["pkg==1.*,>=1.0a1", /`==1\.\*`: poetry's range differs/],
    ['pkg; extra == "test"', /`extra` marker/],
    ["pkg @ git+https://example.com/pkg.git", /only http\(s\) archives/],
    ["pkg @ file:///tmp/pkg-1.0.tar.gz", /only http\(s\) archives/],
  ];
  for (const [input, message] of refused) {
    test(`refuses ${input}`, () => {
      assert.throws(
        () => translate(input),
        (error: Error) => {
          assert.match(error.message, /^cannot translate `.*` for poetry: /);
          assert.match(error.message, message);
          return true;
        },
      );
    });
  }
});

describe("poetry project", () => {
  const dir = testDirectory("bench-poetry");

  test("pyproject.toml: dependencies as strings or inline tables, sources in index order", () => {
    const text = poetryPyproject({
      set: "demo",
      python: "~3.11",
      dependencies: [
        translate("flask>=3"),
        translate('requests[socks,use-chardet-on-py3]; os_name == "nt"'),
      ],
      indexes: ["http://127.0.0.1:1/a/simple/", "http://127.0.0.1:1/b/simple/"],
    });
    assert.equal(
      text,
      [
        "[tool.poetry]",
        'name = "puffin-bench-demo"',
        'version = "0.0.0"',
        'description = "The benchmark set demo, translated for poetry"',
        'authors = ["Puffin benchmark <bench@example.invalid>"]',
        "packages = []",
        "",
        "[tool.poetry.dependencies]",
        'python = "~3.11"',
        '"flask" = ">=3"',
        '"requests" = { version = "*", extras = ["socks", "use-chardet-on-py3"], markers = "os_name == \\"nt\\"" }',
        "",
        "[[tool.poetry.source]]",
        'name = "offline-1"',
        'url = "http://127.0.0.1:1/a/simple/"',
        "default = true",
        "",
        "[[tool.poetry.source]]",
        'name = "offline-2"',
        'url = "http://127.0.0.1:1/b/simple/"',
        "secondary = true",
        "",
      ].join("\n"),
    );
  });

  test("a name required twice is refused", () => {
    assert.throws(
      () =>
        poetryPyproject({
          set: "twice",
          python: "~3.11",
          dependencies: [translate("attrs"), translate("Attrs>=19")],
          indexes: ["http://127.0.0.1:1/simple/"],
        }),
      /attrs is required twice/,
    );
  });

  test("set files: every set of bench/sets translates", async () => {
    for (const set of ["small", "trio", "medium", "large", "xl", "ml"]) {
      const path = new URL(`../../bench/sets/${set}.in`, import.meta.url).pathname;
      const dependencies = await setDependencies(path);
      assert.ok(dependencies.length > 0, set);
    }
    const trio = await setDependencies(
      new URL("../../bench/sets/trio.in", import.meta.url).pathname,
    );
    assert.deepEqual(
      trio.find((d) => d.name === "cffi"),
      { name: "cffi", version: "*", markers: 'os_name == "nt"' },
    );
  });

  test("set files: a requirement poetry cannot take names the file and requirement", async () => {
    const path = join(dir, "bad.in");
    writeFileSync(path, "# comment\nflask\npkg===1.0\n");
    await assert.rejects(setDependencies(path), /cannot translate `pkg===1\.0` for poetry/);
  });

  // One real `poetry lock` of `small` (about 2–5 s): the translation and the sources must give
  // pip's pins (bench/sets/compiled/small.txt).
  const poetry = findPoetry();
  const index = offlineIndex();
  // The sets are pinned for Python 3.11, and poetry resolves for the project's whole range.
  const python = pyenvPythons().find(({ minor }) => minor[0] === 3 && minor[1] === 11)?.executable;
  const skip =
    typeof poetry === "string"
      ? poetry
      : typeof index === "string"
        ? index
        : python === undefined
          ? "no pyenv Python 3.11 here"
          : undefined;
  test("poetry lock of small gives pip's pins", { skip }, async () => {
    if (typeof poetry === "string" || typeof index === "string" || python === undefined) return;
    const server = await startIndexServer(python, index);
    try {
      const project = join(dir, "small");
      mkdirSync(project);
      const sets = new URL("../../bench/sets/", import.meta.url).pathname;
      writeFileSync(
        join(project, "pyproject.toml"),
        poetryPyproject({
          set: "small",
          python: "~3.11",
          dependencies: await setDependencies(join(sets, "small.in")),
          indexes: server.urls.indexes,
        }),
      );
      const venv = spawnSync(python, ["-m", "venv", "--without-pip", join(project, ".venv")]);
      assert.equal(venv.status, 0);
      const lock = poetryCommand(poetry, project, join(dir, "cache"), ["lock"]);
      const result = spawnSync(lock.command, lock.args, { env: lock.env, encoding: "utf8" });
      assert.equal(result.status, 0, result.stderr);
      const locked = readFileSync(join(project, "poetry.lock"), "utf8");
      const pins = [...locked.matchAll(/^name = "(.+)"\nversion = "(.+)"$/gm)].map(
        ([, name, version]) => `${name}==${version}`,
      );
      const expected = readFileSync(join(sets, "compiled", "small.txt"), "utf8")
        .split("\n")
        .filter((line) => line !== "" && !line.startsWith("#"));
      assert.deepEqual(pins.sort(), expected.sort());
    } finally {
      server.close();
    }
  });
});
