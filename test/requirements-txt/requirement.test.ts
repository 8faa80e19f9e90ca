import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Pep508Error } from "../../src/pep508/index.ts";
import {
  parseRequirementText,
  RequirementsFileError,
  type RequirementsTxtRequirement,
} from "../../src/requirements-txt/index.ts";

const context = (editable = false) => ({
  workingDir: "/work",
  location: { file: "r.txt", line: 3 },
  column: 5,
  editable,
});

/** A requirement as one string: `named: <PEP 508 form>` or `unnamed: <url> [extras] ; marker`. */
function describeRequirement(requirement: RequirementsTxtRequirement): string {
  if (requirement.kind === "named") return `named: ${requirement.requirement}`;
  const { url, extras, marker } = requirement.requirement;
  return `unnamed: ${url.url.href}${extras.length > 0 ? ` [${extras.join(",")}]` : ""}${marker ? ` ; ${marker}` : ""}`;
}

describe("telling a named requirement from a URL or path", () => {
  const cases: [string, string][] = [
    ["foo", "named: foo"],
    ["Foo[bar] >= 1.0 ; python_version < '3.8'", 'named: Foo[bar]>=1.0; python_version < "3.8"'],
    [
      "pkg@https://host/pkg-1.0-py3-none-any.whl",
      "named: pkg @ https://host/pkg-1.0-py3-none-any.whl",
    ],
    ["pkg @ file:///tmp/some/path", "named: pkg @ file:///tmp/some/path"],
    ["pkg @ ./dist/pkg.whl", "named: pkg @ ./dist/pkg.whl"],
    ["foo.txt", "named: foo.txt"],
    [
      "./downloads/numpy-1.9.2-cp34-none-win32.whl",
      "unnamed: file:///work/downloads/numpy-1.9.2-cp34-none-win32.whl",
    ],
    [".", "unnamed: file:///work"],
    ["../sibling", "unnamed: file:///sibling"],
    ["/abs/project", "unnamed: file:///abs/project"],
    ["sub/project", "unnamed: file:///work/sub/project"],
    ["numpy-1.9.2.tar.gz", "unnamed: file:///work/numpy-1.9.2.tar.gz"],
    ["pkg-1.0-py3-none-any.whl", "unnamed: file:///work/pkg-1.0-py3-none-any.whl"],
    ["./my project/pkg", "unnamed: file:///work/my%20project/pkg"],
    ["./foo@bar/x", "unnamed: file:///work/foo@bar/x"],
    ["./pkg[Extra_One, two]", "unnamed: file:///work/pkg [extra-one,two]"],
    ["./pkg ; sys_platform == 'win32'", 'unnamed: file:///work/pkg ; sys_platform == "win32"'],
    ["./pkg[x];python_version>'3'", 'unnamed: file:///work/pkg [x] ; python_version > "3"'],
    ["https://example.com/foo.tar.gz", "unnamed: https://example.com/foo.tar.gz"],
    ["https://example.com/foo.tar.gz#egg=wat", "unnamed: https://example.com/foo.tar.gz#egg=wat"],
    [
      "https://host/x.whl; python_version > '3'",
      'unnamed: https://host/x.whl ; python_version > "3"',
    ],
    [
      "https://host/x.whl ;python_version > '3'",
      'unnamed: https://host/x.whl ; python_version > "3"',
    ],
    ["https://host/a;b.whl", "unnamed: https://host/a;b.whl"],
    [
      "git+https://github.com/pypa/pip.git@main#egg=pip",
      "unnamed: git+https://github.com/pypa/pip.git@main#egg=pip",
    ],
    ["file:///tmp/pkg[extra]", "unnamed: file:///tmp/pkg [extra]"],
  ];
  for (const [text, expected] of cases) {
    test(`${text} → ${expected}`, () => {
      assert.equal(describeRequirement(parseRequirementText(text, context())), expected);
    });
  }
});

describe("editable requirements", () => {
  const cases: [string, string][] = [
    [".", "unnamed: file:///work"],
    ["dagster", "unnamed: file:///work/dagster"],
    ["./path/to/project[dev]", "unnamed: file:///work/path/to/project [dev]"],
    ["file:///abs/project", "unnamed: file:///abs/project"],
    [
      "git+https://github.com/pypa/pip.git@main#egg=pip",
      "unnamed: git+https://github.com/pypa/pip.git@main#egg=pip",
    ],
  ];
  for (const [text, expected] of cases) {
    test(`-e ${text} → ${expected}`, () => {
      assert.equal(describeRequirement(parseRequirementText(text, context(true))), expected);
    });
  }

  test("must be a local directory or a VCS URL", () => {
    assert.throws(() => parseRequirementText("https://host/pkg.tar.gz", context(true)), {
      code: "requirements-file-editable",
      message:
        "Editable requirement `https://host/pkg.tar.gz` must be a local directory or a VCS URL at r.txt:3",
    });
  });
});

describe("requirement errors", () => {
  const cases: [string, string, number][] = [
    ["my-package=1.0", "Couldn't parse requirement `my-package=1.0` at r.txt:3:15", 15],
    ["req1 req2", "Couldn't parse requirement `req1 req2` at r.txt:3:10", 10],
    ["./pkg ; bogus", "Couldn't parse requirement `./pkg ; bogus` at r.txt:3:13", 13],
    ["./pkg[-x]", "Couldn't parse requirement `./pkg[-x]` at r.txt:3:5", 5],
    [
      "https://user:secret@bad host/x.whl",
      "Couldn't parse requirement `https://user:****@bad host/x.whl` at r.txt:3:5",
      5,
    ],
  ];
  for (const [text, message, column] of cases) {
    test(text, () => {
      assert.throws(
        () => parseRequirementText(text, context()),
        (error: unknown) => {
          assert.ok(error instanceof RequirementsFileError);
          assert.equal(error.code, "requirements-file-requirement");
          assert.equal(error.message, message);
          assert.deepEqual([error.file, error.line, error.column], ["r.txt", 3, column]);
          assert.ok(error.cause instanceof Error);
          return true;
        },
      );
    });
  }

  test("a PEP 508 error is chained as the cause, pointing into the requirement", () => {
    assert.throws(
      () => parseRequirementText("req1 req2", context()),
      (error: unknown) =>
        error instanceof RequirementsFileError &&
        error.cause instanceof Pep508Error &&
        error.cause.input === "req1 req2" &&
        error.cause.start === 5,
    );
  });
});
