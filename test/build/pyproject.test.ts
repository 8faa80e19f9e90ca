import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { LEGACY_BACKEND, parsePyproject } from "../../src/build/pyproject.ts";
import { metadataFromProject } from "../../src/build/static-metadata.ts";
import { PuffinError } from "../../src/support/index.ts";

const tree = "/src/proj";
const parse = (text: string) => parsePyproject(text, `${tree}/pyproject.toml`, tree);

describe("pyproject.toml [build-system]", () => {
  const cases: [string, string, { requires: string[]; backend: string; backendPath: string[] }][] =
    [
      [
        "no [build-system]: the legacy setuptools backend",
        "[project]\nname = 'x'\n",
        {
          requires: ["setuptools>=40.8.0", "wheel"],
          backend: LEGACY_BACKEND,
          backendPath: [],
        },
      ],
      [
        "requires without build-backend: legacy backend, given requires",
        "[build-system]\nrequires = ['setuptools>=61']\n",
        {
          requires: ["setuptools>=61"],
          backend: LEGACY_BACKEND,
          backendPath: [],
        },
      ],
      [
        "an in-tree backend",
        "[build-system]\nrequires = []\nbuild-backend = 'backend:api'\nbackend-path = ['_build', '.']\n",
        {
          requires: [],
          backend: "backend:api",
          backendPath: ["/src/proj/_build", "/src/proj"],
        },
      ],
    ];
  for (const [what, text, expected] of cases) {
    test(what, () => {
      const { buildSystem } = parse(text);
      assert.deepEqual(
        {
          requires: buildSystem.requires.map(String),
          backend: buildSystem.backend,
          backendPath: buildSystem.backendPath,
        },
        expected,
      );
    });
  }

  const invalid: [string, string, RegExp][] = [
    [
      "[build-system] without requires",
      "[build-system]\nbuild-backend = 'x'\n",
      /requires` must be a list/,
    ],
    [
      "a backend-path outside the tree",
      "[build-system]\nrequires = []\nbackend-path = ['../up']\n",
      /outside the source tree/,
    ],
    ["a bad requirement", "[build-system]\nrequires = ['not a req!!']\n", /invalid requirement/],
    [
      "a bad backend",
      "[build-system]\nrequires = []\nbuild-backend = 'a b:c:d'\n",
      /build-backend/,
    ],
    ["not TOML", "[build-system\n", /not valid TOML/],
  ];
  for (const [what, text, pattern] of invalid) {
    test(`${what} is invalid-pyproject`, () => {
      assert.throws(
        () => parse(text),
        (error: unknown) => {
          assert.ok(error instanceof PuffinError);
          assert.equal(error.code, "invalid-pyproject");
          assert.match(error.message, pattern);
          return true;
        },
      );
    });
  }
});

describe("static metadata from [project]", () => {
  test("only when version, dependencies, optional-dependencies and requires-python are static", () => {
    for (const field of ["version", "dependencies", "optional-dependencies", "requires-python"]) {
      assert.equal(
        metadataFromProject({ name: "x", version: "1", dynamic: [field] }, "p"),
        undefined,
      );
    }
    assert.equal(metadataFromProject({ name: "x", dynamic: ["description"] }, "p"), undefined);
    assert.equal(
      metadataFromProject(
        {
          name: "x",
          version: "1",
          "requires-python": ">=3.8",
          dynamic: ["description"],
          dependencies: ["a @ https://e.org/a.whl ; os_name == 'posix'"],
          "optional-dependencies": { Dev: ["b>1"] },
        },
        "p",
      ),
      [
        "Metadata-Version: 2.3",
        "Name: x",
        "Version: 1",
        "Requires-Python: >=3.8",
        'Requires-Dist: a @ https://e.org/a.whl ; os_name == "posix"',
        "Provides-Extra: dev",
        'Requires-Dist: b>1; extra == "dev"',
        "",
      ].join("\n"),
    );
  });
});
