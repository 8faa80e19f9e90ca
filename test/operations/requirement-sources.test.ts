import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import type { DistributionDatabase } from "../../src/distribution/index.ts";
import { ExtraName, GroupName, PackageName } from "../../src/normalize/index.ts";
import { formatSourceAnnotation } from "../../src/operations/annotations.ts";
import {
  nameUnnamedSources,
  pyprojectRequirements,
  type ReadSourcesOptions,
  type RequirementSources,
  readRequirementSources,
} from "../../src/operations/requirement-sources.ts";
import type { VerbatimUrl } from "../../src/pep508/index.ts";
import { PuffinError } from "../../src/support/index.ts";
import { testDirectory } from "../support/temp-dir.ts";

const root = testDirectory("compile-sources");
const e = (name: string) => ExtraName.parse(name);

const PYPROJECT = `
[project]
name = "My_App"
version = "1.0"
dependencies = ["anyio>=4", "idna; python_version >= '3.8'"]

[project.optional-dependencies]
test = ["pytest", "my-app[lint]"]
lint = ["ruff"]
docs = ["sphinx"]
`;

describe("pyprojectRequirements", () => {
  const read = (text: string, extras: string[], allExtras = false) =>
    pyprojectRequirements(text, "pyproject.toml", { extras: extras.map(e), allExtras, cwd: root });
  const cases: [string, string[], boolean, string[]][] = [
    ["dependencies only", [], false, ["anyio>=4", 'idna; python_version >= "3.8"']],
    [
      "an extra, expanding a self-reference",
      ["test"],
      false,
      ["anyio>=4", 'idna; python_version >= "3.8"', "pytest", "ruff"],
    ],
    [
      "all extras",
      [],
      true,
      ["anyio>=4", 'idna; python_version >= "3.8"', "pytest", "ruff", "sphinx"],
    ],
  ];
  for (const [name, extras, all, expected] of cases) {
    test(name, () => {
      const project = read(PYPROJECT, extras, all);
      assert.ok(project !== "dynamic");
      assert.equal(project.name, "my-app");
      assert.deepEqual(
        project.requirements.map((r) => r.toString()),
        expected,
      );
      assert.deepEqual(project.extras, ["test", "lint", "docs"]);
    });
  }

  const errors: [string, string, RegExp][] = [
    ["no [project] table", "[tool.x]\ny = 1", /has no `\[project\]` table/],
    ["invalid TOML", "[project", /Failed to parse `pyproject.toml`/],
    [
      "a bad requirement",
      '[project]\nname = "a"\ndependencies = ["a >>> 1"]',
      /invalid requirement in `project.dependencies`: `a >>> 1`/,
    ],
    [
      "a bad requires-python",
      '[project]\nname = "a"\nrequires-python = ">=three"',
      /`pyproject.toml`: `project.requires-python` is not a version specifier: ">=three"/,
    ],
    [
      "a requires-python that is not a string",
      '[project]\nname = "a"\nrequires-python = 3.9',
      /`project.requires-python` must be a string/,
    ],
  ];
  test("requires-python is read", () => {
    const project = read('[project]\nname = "a"\nrequires-python = ">=3.9,<4"', []);
    assert.ok(project !== "dynamic");
    assert.equal(String(project.requiresPython), "<4,>=3.9");
  });

  test("dynamic dependencies are the build backend's to tell", () => {
    assert.equal(read('[project]\nname = "a"\ndynamic = ["dependencies"]', []), "dynamic");
  });

  for (const [name, text, message] of errors) {
    test(name, () =>
      assert.throws(
        () => read(text, []),
        (error: unknown) => error instanceof PuffinError && message.test(error.message),
      ),
    );
  }
});

describe("readRequirementSources", () => {
  mkdirSync(join(root, "reqs"), { recursive: true });
  mkdirSync(join(root, "local-project"), { recursive: true });
  writeFileSync(
    join(root, "local-project", "pyproject.toml"),
    '[project]\nname = "Local.Project"\nversion = "0.1"\n',
  );
  writeFileSync(join(root, "pyproject.toml"), PYPROJECT);
  writeFileSync(
    join(root, "requirements.in"),
    [
      "--index-url https://example.com/simple",
      "--extra-index-url https://extra.example.com/simple",
      "--pre",
      "--no-binary pkg-a",
      "-r reqs/base.in",
      "-c reqs/constraints.txt",
      "-e ./local-project",
      "https://example.com/files/wheelie-2.0-py3-none-any.whl",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a requirements-file variable
      "flask @ https://example.com/flask-${FLASK_VERSION}.tar.gz",
      "",
    ].join("\n"),
  );
  writeFileSync(join(root, "reqs", "base.in"), "requests>=2\n");
  writeFileSync(join(root, "reqs", "constraints.txt"), "urllib3<2\n");
  writeFileSync(join(root, "overrides.txt"), "idna==3.0\n");
  writeFileSync(join(root, "cli-constraints.txt"), "certifi<2024\n");

  const options = (fields: Partial<ReadSourcesOptions>): ReadSourcesOptions => ({
    requirements: [],
    constraints: [],
    overrides: [],
    extras: [],
    allExtras: false,
    cwd: root,
    env: { FLASK_VERSION: "3.0.0" },
    stdin: async function* () {
      yield "stdin-package==1\n";
    },
    ...fields,
  });
  const summary = (list: RequirementSources["requirements"]) =>
    list.map(
      (s) =>
        `${s.requirement.toString()} | ${formatSourceAnnotation({ kind: "requirement", origin: s.origin })}${s.editable ? " | editable" : ""}`,
    );

  test("requirements files: includes, constraints, editables, unnamed URLs, options", async () => {
    const sources = await readRequirementSources(
      options({
        requirements: ["requirements.in"],
        constraints: ["cli-constraints.txt"],
        overrides: ["overrides.txt"],
      }),
    );
    assert.deepEqual(summary(sources.requirements), [
      "local-project @ ./local-project | -r requirements.in | editable",
      "requests>=2 | -r reqs/base.in",
      "wheelie @ https://example.com/files/wheelie-2.0-py3-none-any.whl | -r requirements.in",
      "flask @ https://example.com/flask-3.0.0.tar.gz | -r requirements.in",
    ]);
    assert.deepEqual(summary(sources.constraints), [
      "urllib3<2 | -r reqs/constraints.txt",
      "certifi<2024 | -r cli-constraints.txt",
    ]);
    assert.deepEqual(summary(sources.overrides), ["idna==3.0 | -r overrides.txt"]);
    assert.equal(sources.indexUrl, "https://example.com/simple");
    assert.deepEqual(sources.extraIndexUrls, ["https://extra.example.com/simple"]);
    assert.equal(sources.pre, true);
    assert.deepEqual(sources.noBinary, ["pkg-a"]);
  });

  test("pyproject.toml with extras, and stdin", async () => {
    const sources = await readRequirementSources(
      options({ requirements: ["pyproject.toml", "-"], extras: [e("docs")] }),
    );
    assert.deepEqual(summary(sources.requirements), [
      "anyio>=4 | my-app (pyproject.toml)",
      'idna; python_version >= "3.8" | my-app (pyproject.toml)',
      "sphinx | my-app (pyproject.toml)",
      "stdin-package==1 | -r -",
    ]);
  });

  const failures: [string, Partial<ReadSourcesOptions>, RegExp][] = [
    [
      "extras need a pyproject.toml",
      { requirements: ["requirements.in"], extras: [e("docs")] },
      /Requesting extras requires a `pyproject.toml` source/,
    ],
    [
      "an unknown extra",
      { requirements: ["pyproject.toml"], extras: [e("nope")] },
      /Requested extra not found: nope/,
    ],
    ["a missing file names itself", { requirements: ["missing.in"] }, /missing\.in/],
  ];
  for (const [name, fields, message] of failures) {
    test(name, async () => {
      await assert.rejects(
        readRequirementSources(options(fields)),
        (error: unknown) => error instanceof PuffinError && message.test(error.message),
      );
    });
  }

  test("an unnamed directory without a static name waits for a build backend to name it", async () => {
    mkdirSync(join(root, "nameless"), { recursive: true });
    writeFileSync(join(root, "nameless.in"), "./nameless --hash=sha256:" + "a".repeat(64) + "\n");
    const sources = await readRequirementSources(options({ requirements: ["nameless.in"] }));
    assert.equal(sources.requirements.length, 0);
    assert.equal(sources.unnamed.length, 1);
    // The database's naming, as its build backend would answer it.
    const asked: [string, boolean][] = [];
    const database = {
      locate: async (url: VerbatimUrl, options: { editable?: boolean }) => {
        asked.push([url.given, options.editable === true]);
        const path = fileURLToPath(url.url);
        return { kind: "directory", url, path, editable: false, modifiedMs: 0 };
      },
      named: async (source: object) => ({ ...source, name: PackageName.parse("Nameless") }),
    } as unknown as DistributionDatabase;
    await nameUnnamedSources(sources, database, root);
    assert.deepEqual(asked, [["./nameless", false]]);
    assert.deepEqual(sources.unnamed, []);
    assert.deepEqual(
      sources.requirements.map((s) => [s.requirement.toString(), s.hashes.length]),
      [["nameless @ ./nameless", 1]],
    );
  });

  test("a setup.cfg literal name needs no backend; attr: or none needs one", async () => {
    const project = (name: string, cfg: string) => {
      mkdirSync(join(root, name), { recursive: true });
      writeFileSync(join(root, name, "setup.cfg"), cfg);
    };
    project("cfg-literal", "[metadata]\nName = Cfg.Literal\nversion = 1\n");
    project("cfg-attr", "[metadata]\nname = attr: pkg.NAME\n");
    project("cfg-other", "[options]\nname = wrong\n");
    writeFileSync(join(root, "cfg.in"), "./cfg-literal\n./cfg-attr\n./cfg-other\n");
    const sources = await readRequirementSources(options({ requirements: ["cfg.in"] }));
    assert.deepEqual(
      sources.requirements.map((s) => s.requirement.name),
      ["cfg-literal"],
    );
    assert.deepEqual(
      sources.unnamed.map((u) => u.unnamed.url.given),
      ["./cfg-attr", "./cfg-other"],
    );
  });

  test("setup.py, setup.cfg and dynamic dependencies wait to be read through the build backend", async () => {
    writeFileSync(join(root, "setup.py"), "from setuptools import setup\nsetup()\n");
    const sources = await readRequirementSources(options({ requirements: ["setup.py"] }));
    assert.deepEqual(sources.projects, [{ directory: root, path: "setup.py" }]);
    assert.deepEqual(sources.requirements, []);
  });

  test("an override whose name only a build tells is an error naming the line", async () => {
    mkdirSync(join(root, "nameless2"), { recursive: true });
    writeFileSync(join(root, "nameless2.txt"), "./nameless2\n");
    await assert.rejects(
      readRequirementSources(options({ requirements: [], overrides: ["nameless2.txt"] })),
      /Cannot tell the package name of `\.\/nameless2` \(nameless2\.txt:1\)/,
    );
  });
});

describe("pyprojectRequirements: lock conditions of extras and dependency groups", () => {
  const TEXT = `
[project]
name = "proj"
version = "1"
dependencies = ["base"]
[project.optional-dependencies]
fast = ["speed ; sys_platform == 'linux'", "proj[more]"]
more = ["more-dep"]
other = ["other-dep"]
[dependency-groups]
dev = ["tool", "proj[other]", "base"]
`;
  const conditionsOf = (options: { extras?: string[]; groups?: string[] }) => {
    const project = pyprojectRequirements(TEXT, "pyproject.toml", {
      extras: (options.extras ?? []).map(e),
      allExtras: false,
      groups: (options.groups ?? []).map((g) => GroupName.parse(g)),
      allGroups: false,
      cwd: root,
    });
    assert.ok(project !== "dynamic");
    return project.requirements.map(
      (r) => `${r.name}: ${project.conditions.get(r)?.toString() ?? "always"}`,
    );
  };

  test("an extra's requirements (and those of extras it names) carry `'x' in extras`", () => {
    assert.deepEqual(conditionsOf({ extras: ["fast"] }), [
      "base: always",
      "speed: 'fast' in extras",
      "more-dep: 'fast' in extras",
    ]);
  });

  test("a group's requirements, and the extras it names, carry `'g' in dependency_groups`", () => {
    assert.deepEqual(conditionsOf({ extras: ["more"], groups: ["dev"] }), [
      "base: always",
      "more-dep: 'more' in extras",
      "other-dep: 'dev' in dependency_groups",
      "tool: 'dev' in dependency_groups",
      "base: 'dev' in dependency_groups",
    ]);
  });

  test("a file of dependency groups only is read when a group is asked for", () => {
    const project = pyprojectRequirements('[dependency-groups]\ndev = ["tool"]', "pyproject.toml", {
      extras: [],
      allExtras: false,
      groups: [],
      allGroups: true,
      cwd: root,
    });
    assert.ok(project !== "dynamic");
    assert.equal(project.name, undefined);
    assert.deepEqual(
      project.requirements.map((r) => r.toString()),
      ["tool"],
    );
    assert.throws(
      () =>
        pyprojectRequirements('[dependency-groups]\ndev = ["tool"]', "pyproject.toml", {
          extras: [],
          allExtras: false,
          cwd: root,
        }),
      (error: unknown) => error instanceof PuffinError && error.code === "pyproject-no-project",
    );
  });
});
