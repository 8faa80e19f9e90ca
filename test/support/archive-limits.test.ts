import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  ArchiveBudget,
  ArchivePaths,
  DEFAULT_ARCHIVE_LIMITS,
  PuffinError,
} from "../../src/support/index.ts";

describe("DEFAULT_ARCHIVE_LIMITS", () => {
  test("8 GiB and 100 000 members: several times the largest real wheels", () => {
    assert.deepEqual(DEFAULT_ARCHIVE_LIMITS, { maxSize: 8 * 1024 ** 3, maxEntries: 100_000 });
  });
});

describe("ArchiveBudget", () => {
  const limits = { maxSize: 100, maxEntries: 2 };

  test("allows up to the limits, and refuses the first count past one", () => {
    const budget = new ArchiveBudget("pkg.whl", limits);
    budget.entry();
    budget.entry();
    budget.bytes(60);
    budget.bytes(40);
    assert.throws(() => budget.entry(), {
      code: "archive-too-many-entries",
      message: "Refusing to extract pkg.whl: it holds more than 2 members",
    });
    assert.throws(() => budget.bytes(1), {
      code: "archive-too-large",
      message: "Refusing to extract pkg.whl: it unpacks to more than 100 bytes",
    });
  });

  test("the errors hint at the environment variables", () => {
    const budget = new ArchiveBudget("x", { maxSize: 0, maxEntries: 0 });
    const hint = (action: () => void) => {
      try {
        action();
      } catch (error) {
        assert.ok(error instanceof PuffinError);
        return error.hint ?? "";
      }
      assert.fail("no error");
    };
    assert.match(
      hint(() => budget.bytes(1)),
      /PUFFIN_MAX_ARCHIVE_SIZE=16GiB/,
    );
    assert.match(
      hint(() => budget.entry()),
      /PUFFIN_MAX_ARCHIVE_ENTRIES/,
    );
  });
});

describe("ArchivePaths", () => {
  const collisions: [string, [string, "file" | "directory"][], RegExp][] = [
    [
      "a file, then a path inside it",
      [
        ["a", "file"],
        ["a/b", "file"],
      ],
      /inside "a", which .* as a file/,
    ],
    [
      "a file, then a deeper path inside it",
      [
        ["x/a", "file"],
        ["x/a/b/c", "file"],
      ],
      /inside "x\/a", which/,
    ],
    [
      "a file, then a directory of its name",
      [
        ["a", "file"],
        ["a/", "directory"],
      ],
      /is a directory/,
    ],
    [
      "a directory, then a file of its name",
      [
        ["a/", "directory"],
        ["a", "file"],
      ],
      /is a file, but .* as a directory/,
    ],
    [
      "a path, then a file at its directory",
      [
        ["a/b", "file"],
        ["a", "file"],
      ],
      /as a directory/,
    ],
    [
      "a file twice",
      [
        ["a/b", "file"],
        ["a/b", "file"],
      ],
      /more than once/,
    ],
    [
      "a file twice, spelled differently",
      [
        ["a/b", "file"],
        ["./a//b", "file"],
      ],
      /more than once/,
    ],
  ];
  for (const [what, claims, reason] of collisions) {
    test(`refuses ${what}`, () => {
      const paths = new ArchivePaths();
      const results = claims.map(([name, kind]) => paths.claim(name, kind));
      assert.deepEqual(
        results.slice(0, -1),
        claims.slice(0, -1).map(() => undefined),
      );
      assert.match(results.at(-1) ?? "", reason);
    });
  }

  test("accepts a tree, with directories named more than once and the root", () => {
    const paths = new ArchivePaths();
    const claims: [string, "file" | "directory"][] = [
      ["./", "directory"],
      ["pkg/", "directory"],
      ["pkg/a.py", "file"],
      ["pkg/sub/b.py", "file"],
      ["pkg/sub/", "directory"],
      ["pkg", "directory"],
      ["pkg/sub/c.py", "file"],
      ["other.py", "file"],
    ];
    for (const [name, kind] of claims) assert.equal(paths.claim(name, kind), undefined, name);
  });
});
