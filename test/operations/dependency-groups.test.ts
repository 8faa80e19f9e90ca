import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parse as parseToml } from "smol-toml";
import { GroupName } from "../../src/normalize/index.ts";
import { DependencyGroups } from "../../src/operations/dependency-groups.ts";
import { PuffinError } from "../../src/support/index.ts";

const g = (name: string) => GroupName.parse(name);
const read = (toml: string) => DependencyGroups.read(parseToml(toml), "sub/pyproject.toml");
const expand = (toml: string, group: string) =>
  read(toml)
    .requirements(g(group), "/tmp")
    .map((r) => r.toString());

/** Asserts `fn` throws a `PuffinError` with `code` whose message contains every one of `parts`. */
function throwsNaming(fn: () => unknown, code: string, parts: readonly string[]): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof PuffinError, String(error));
    assert.equal(error.code, code);
    for (const part of parts) assert.ok(error.message.includes(part), error.message);
    return true;
  });
}

describe("DependencyGroups", () => {
  test("a file without the table has no groups", () => {
    assert.deepEqual(read(`[project]\nname = "a"`).names(), []);
  });

  test("names are normalized; includes expand in place, in order, duplicates kept", () => {
    const toml = `
[dependency-groups]
Group_A = ["foo"]
group-b = ["foo>1.0"]
"group.c" = ["foo<1.0 ; sys_platform == 'win32'"]
all = ["foo", {include-group = "group-a"}, {include-group = "GROUP_B"}, {include-group = "group-c"}, "bar"]
`;
    const groups = read(toml);
    assert.deepEqual(groups.names(), ["group-a", "group-b", "group-c", "all"]);
    assert.ok(groups.has(g("Group.A")));
    assert.deepEqual(expand(toml, "all"), [
      "foo",
      "foo",
      "foo>1.0",
      'foo<1.0; sys_platform == "win32"',
      "bar",
    ]);
  });

  test("an include reached twice (not a cycle) is expanded twice", () => {
    const toml = `
[dependency-groups]
base = ["a"]
left = [{include-group = "base"}]
right = [{include-group = "base"}]
top = [{include-group = "left"}, {include-group = "right"}]
`;
    assert.deepEqual(expand(toml, "top"), ["a", "a"]);
  });

  test("an empty group has no requirements", () => {
    assert.deepEqual(expand(`[dependency-groups]\nempty = []`, "empty"), []);
  });

  test("a broken group that is not expanded does not fail the others", () => {
    const toml = `
[dependency-groups]
good = ["a"]
bad = [{set-phasers-to = "stun"}]
`;
    assert.deepEqual(expand(toml, "good"), ["a"]);
  });

  describe("hostile input: `error:` naming the file and the group", () => {
    test("a cycle through other groups", () => {
      const toml = `
[dependency-groups]
a = ["x", {include-group = "b"}]
b = [{include-group = "C"}]
c = [{include-group = "a"}]
`;
      throwsNaming(() => expand(toml, "a"), "dependency-group-cycle", [
        "sub/pyproject.toml",
        "`a` -> `b` -> `c` -> `a`",
      ]);
    });

    test("a group that includes itself", () => {
      throwsNaming(
        () => expand(`[dependency-groups]\nself = [{include-group = "self"}]`, "self"),
        "dependency-group-cycle",
        ["sub/pyproject.toml", "`self` includes itself"],
      );
    });

    test("an include of an unknown group", () => {
      throwsNaming(
        () => expand(`[dependency-groups]\ntest = [{include-group = "nope"}]`, "test"),
        "dependency-group-include-not-found",
        ["sub/pyproject.toml", "`test`", "`nope`"],
      );
    });

    const invalid: [string, string, string[]][] = [
      ["a number entry", `test = ["a", 3]`, ["entry 2", "`test`"]],
      ["an inline table with another key", `test = [{include = "x"}]`, ["entry 1", "`test`"]],
      [
        "an include with a second key",
        `test = [{include-group = "x", extra = 1}]`,
        ["entry 1", "`test`"],
      ],
      ["an include that is not a string", `test = [{include-group = 3}]`, ["`test`"]],
      ["a nested list", `test = [["a"]]`, ["`test`"]],
      ["a group that is a string", `test = "pytest"`, ["`test` must be a list"]],
      ["an invalid requirement", `test = ["pytest >>> 1"]`, ["`test`", "`pytest >>> 1`"]],
      [
        "an include with an invalid name",
        `test = [{include-group = "-bad-"}]`,
        ["`test`", "`-bad-`"],
      ],
    ];
    for (const [name, line, parts] of invalid) {
      test(name, () => {
        throwsNaming(
          () => expand(`[dependency-groups]\n${line}`, "test"),
          "invalid-dependency-groups",
          ["sub/pyproject.toml", ...parts],
        );
      });
    }

    test("a table that is not a table", () => {
      throwsNaming(
        () => DependencyGroups.read({ "dependency-groups": ["a"] }, "sub/pyproject.toml"),
        "invalid-dependency-groups",
        ["sub/pyproject.toml", "must be a table"],
      );
    });

    test("two names that normalize alike", () => {
      throwsNaming(
        () => read(`[dependency-groups]\nTest = ["a"]\n"te_st" = ["b"]\ntest = ["c"]`),
        "invalid-dependency-groups",
        ["sub/pyproject.toml", "`Test`", "`test`"],
      );
    });

    test("an invalid group name", () => {
      throwsNaming(
        () => read(`[dependency-groups]\n"not valid!" = ["a"]`),
        "invalid-dependency-groups",
        ["sub/pyproject.toml", "`not valid!`"],
      );
    });
  });
});
