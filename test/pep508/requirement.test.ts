import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ExtraName, PackageName } from "../../src/normalize/index.ts";
import { Version } from "../../src/pep440/index.ts";
import { Pep508Error, Requirement } from "../../src/pep508/index.ts";
import requirements from "../corpora/packaging/requirements.json" with { type: "json" };

type ValidCase = {
  input: string;
  name: string;
  extras: string[];
  specifier: string;
  url: string | null;
  marker: string | null;
  str: string;
};

function assertMatches(requirement: Requirement, expected: ValidCase): void {
  const { input } = expected;
  assert.equal(requirement.name, PackageName.parse(expected.name), input);
  const extras = [...new Set(expected.extras.map((extra) => ExtraName.parse(extra)))].sort();
  assert.deepEqual(requirement.extras, extras, input);
  if (expected.url === null) {
    assert.equal(requirement.version.kind, "specifiers", input);
    if (requirement.version.kind === "specifiers") {
      assert.equal(requirement.version.specifiers.toString(), expected.specifier, input);
    }
  } else {
    assert.equal(requirement.version.kind, "url", input);
    if (requirement.version.kind === "url")
      assert.equal(requirement.version.url.given, expected.url, input);
  }
  assert.equal(requirement.marker?.toString() ?? null, expected.marker, input);
  assert.equal(requirement.toString(), expected.str, input);
}

function isRequirementError(error: unknown): boolean {
  return error instanceof Pep508Error && error.code === "invalid-requirement";
}

/**
 * Corpus cases we deliberately reject although packaging accepts them (packaging stores both
 * strings without interpreting them; uv rejects both, and pip fails on them later anyway):
 * - `===arbitrarystring`: the pep440 module takes `===` only with a PEP 440 version (a candidate
 *   is always a parsed version, so such a specifier could match nothing);
 * - `git+ssh://git@github.com:pypa/packaging.git`: an scp-style `host:path` behind `ssh://` is
 *   not a URL (the WHATWG parser reads `pypa` as a port; git itself fails to resolve the host
 *   `github.com:pypa`). We reject it with a hint to write `/` instead.
 */
const REJECTED_ON_PURPOSE = [
  { marker: "arbitrarystring", reason: 'Not a valid version specifier: "===arbitrarystring"' },
  {
    marker: "git@github.com:pypa/packaging.git",
    reason: "Not a valid URL: `git+ssh://git@github.com:pypa/packaging.git`",
  },
];

describe("Requirement.parse", () => {
  test("parses the 5184-case cross product of packaging's suite like packaging", () => {
    assert.equal(requirements.valid.length, 5184);
    let rejected = 0;
    for (const expected of requirements.valid) {
      assert.equal(expected.valid, true);
      const skip = REJECTED_ON_PURPOSE.find(({ marker }) => expected.input.includes(marker));
      if (skip === undefined) {
        assertMatches(Requirement.parse(expected.input), expected as ValidCase);
      } else {
        rejected++;
        assert.throws(
          () => Requirement.parse(expected.input),
          (error: unknown) => error instanceof Pep508Error && error.reason === skip.reason,
          expected.input,
        );
      }
    }
    assert.equal(rejected, 576 + 288);
  });

  test("accepts and rejects the literal requirements of packaging's suite like packaging", () => {
    for (const literal of requirements.literals) {
      if (literal.valid) {
        assertMatches(Requirement.parse(literal.input), literal as ValidCase);
      } else {
        assert.throws(() => Requirement.parse(literal.input), isRequirementError, literal.input);
      }
    }
  });

  test("normalizes extra names in markers (PEP 685)", () => {
    for (const [input, expected] of requirements.normalized) {
      assert.equal(Requirement.parse(input!).toString(), expected);
    }
  });

  test("points at the problem, like uv", () => {
    const cases = [
      [
        "numpy/",
        "Expected one of `@`, `(`, `<`, `=`, `>`, `~`, `!`, `;`, found `/`\nnumpy/\n     ^",
      ],
      ["", "Expected a package name, found end of input\n\n^"],
      ["==0.0", "Expected a package name, found `=`\n==0.0\n^"],
      ["name-", "Package name must end with a letter or digit, found `-`\nname-\n    ^"],
      ["name[bar baz]", "Expected `,` between extra names, found `b`\nname[bar baz]\n         ^"],
      ["name[bar, baz,]", "Expected an extra name, found `]`\nname[bar, baz,]\n              ^"],
      [
        "name[bar, baz",
        "Expected `,` or `]` to close the `[` at column 5, found end of input\nname[bar, baz\n    ^^^^^^^^^",
      ],
      [
        "name (>= 1.0",
        "Expected `,` or `)` to close the `(` at column 6, found end of input\nname (>= 1.0\n     ^^^^^^^",
      ],
      ["name==", "Expected a version after `==`, found end of input\nname==\n      ^"],
      [
        "name >= 1.0 <= 2.0",
        "Expected `,`, `;` or the end of the requirement, found `<`\nname >= 1.0 <= 2.0\n            ^",
      ],
      [
        "name @ https://example.com/; extra == 'example'",
        "Expected `;` or the end of the requirement, found `e`\nname @ https://example.com/; extra == 'example'\n                             ^",
      ],
      ["name @ ", "Expected a URL or path after `@`, found end of input\nname @ \n       ^"],
      [
        "name; os_name == 'a' garbage",
        "Expected `and`, `or` or the end of the requirement, found `g`\nname; os_name == 'a' garbage\n                     ^",
      ],
    ] as const;
    for (const [input, message] of cases) {
      assert.throws(
        () => Requirement.parse(input),
        (error: unknown) => isRequirementError(error) && (error as Error).message === message,
        input,
      );
    }
  });

  test("an invalid version points at its specifier and keeps the PEP 440 error as cause", () => {
    assert.throws(
      () => Requirement.parse("black (>=20.*) ; extra == 'format'"),
      (error: unknown) =>
        error instanceof Pep508Error &&
        error.start === 7 &&
        error.length === 6 &&
        error.cause instanceof Error &&
        error.message.endsWith("black (>=20.*) ; extra == 'format'\n       ^^^^^^"),
    );
  });

  test("an scp-style SSH address gets a hint", () => {
    assert.throws(
      () => Requirement.parse("pkg @ git+ssh://git@github.com:org/repo.git"),
      (error: unknown) =>
        error instanceof Pep508Error &&
        error.hint ===
          "An SSH URL takes a `/` between host and path (`git+ssh://git@github.com/org/repo.git`), not the `:` of scp-style addresses",
    );
  });

  test("accepts a trailing comma after the specifiers, as packaging and pip do", () => {
    assert.equal(Requirement.parse("name>=1.0,").toString(), "name>=1.0");
    assert.equal(
      Requirement.parse("name (>=1.0, <2, ) ; os_name == 'nt'").toString(),
      'name<2,>=1.0; os_name == "nt"',
    );
    assert.throws(() => Requirement.parse("name>=1.0,,"), isRequirementError);
  });

  test("a marker after a URL needs whitespace before its `;`", () => {
    const spaced = Requirement.parse("name @ https://example.com/a.whl ; python_version >= '3.8'");
    assert.equal(spaced.marker?.toString(), 'python_version >= "3.8"');
    const glued = Requirement.parse("name @ https://example.com/a.whl;python_version>='3.8'");
    assert.equal(glued.marker, undefined);
    assert.equal(
      glued.version.kind === "url" && glued.version.url.given,
      "https://example.com/a.whl;python_version>='3.8'",
    );
  });

  test("resolves a relative path after @ against the working directory", () => {
    const requirement = Requirement.parse("foo @ ./dist/foo-1.0-py3-none-any.whl", {
      workingDirectory: "/work",
    });
    assert.equal(requirement.version.kind, "url");
    if (requirement.version.kind === "url") {
      assert.equal(requirement.version.url.url.href, "file:///work/dist/foo-1.0-py3-none-any.whl");
    }
    assert.equal(requirement.toString(), "foo @ ./dist/foo-1.0-py3-none-any.whl");
  });

  test("exposes PEP 440 specifiers and the marker tree", () => {
    const requirement = Requirement.parse(
      "Requests[Security,socks] (>=2.8.1, <3) ; python_version < '3.13'",
    );
    assert.equal(requirement.name, "requests");
    assert.deepEqual(requirement.extras, ["security", "socks"]);
    assert.equal(requirement.version.kind, "specifiers");
    if (requirement.version.kind === "specifiers") {
      assert.equal(requirement.version.specifiers.contains(Version.parse("2.31.0")), true);
      assert.equal(requirement.version.specifiers.contains(Version.parse("3.0")), false);
    }
    assert.equal(requirement.marker?.root.kind, "expression");
    assert.equal(
      requirement.toString(),
      'Requests[Security,socks]<3,>=2.8.1; python_version < "3.13"',
    );
  });

  test("policy: names and extras end in a letter or digit, as PEP 508 says (packaging accepts `name_`)", () => {
    for (const input of ["name_", "name.", "name[extra_]", "name[-x]"]) {
      assert.throws(() => Requirement.parse(input), isRequirementError, input);
    }
  });
});

describe("Requirement.equals", () => {
  test("holds for packaging's equal pairs", () => {
    for (const [a, b] of requirements.equal) {
      assert.equal(Requirement.parse(a!).equals(Requirement.parse(b!)), true, `${a} == ${b}`);
    }
  });

  test("fails for packaging's different pairs", () => {
    for (const [a, b] of requirements.different) {
      assert.equal(Requirement.parse(a!).equals(Requirement.parse(b!)), false, `${a} != ${b}`);
    }
  });
});
