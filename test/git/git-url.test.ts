import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { classifyReference } from "../../src/git/git-url.ts";
import { GitUrl } from "../../src/git/index.ts";
import { serializeDirectUrl } from "../../src/pypi-types/index.ts";
import { PuffinError } from "../../src/support/index.ts";

const SHA = "0123456789abcdef0123456789abcdef01234567";

describe("GitUrl.parse", () => {
  const cases: [string, string, string | undefined, string | undefined][] = [
    // given, repository, reference, subdirectory
    ["git+https://host/org/repo.git", "https://host/org/repo.git", undefined, undefined],
    ["git+https://host/org/repo.git@main", "https://host/org/repo.git", "main", undefined],
    ["git+https://host/org/repo.git@v1.0#egg=pkg", "https://host/org/repo.git", "v1.0", undefined],
    [
      "git+https://host/org/repo.git@v1.0#egg=pkg&subdirectory=python/pkg",
      "https://host/org/repo.git",
      "v1.0",
      "python/pkg",
    ],
    ["git+https://host/repo#subdirectory=./sub/", "https://host/repo", undefined, "sub"],
    [
      "git+ssh://git@github.com/org/repo.git@v1",
      "ssh://git@github.com/org/repo.git",
      "v1",
      undefined,
    ],
    [
      "git+ssh://git@github.com/org/repo.git",
      "ssh://git@github.com/org/repo.git",
      undefined,
      undefined,
    ],
    [`git+file:///srv/repo@${SHA}`, "file:///srv/repo", SHA, undefined],
    [
      "git+http://localhost:8080/repo.git@feature/x",
      "http://localhost:8080/repo.git",
      "feature/x",
      undefined,
    ],
    ["git+git://host/repo.git@0123abc", "git://host/repo.git", "0123abc", undefined],
    [
      "git+https://user:secret@host/repo.git@main",
      "https://user:secret@host/repo.git",
      "main",
      undefined,
    ],
    ["git+https://host/repo.git@release%2F2.0", "https://host/repo.git", "release/2.0", undefined],
    ["git+https://host/repo.git@a@b", "https://host/repo.git@a", "b", undefined],
    ["git+https://host/repo.git@v1?x=1", "https://host/repo.git?x=1", "v1", undefined],
  ];
  for (const [given, repository, reference, subdirectory] of cases) {
    test(given, () => {
      const url = GitUrl.parse(given);
      assert.deepEqual(
        [url.repository, url.reference, url.subdirectory],
        [repository, reference, subdirectory],
      );
    });
  }

  const invalid: [string, RegExp][] = [
    ["https://host/repo.git", /starts with `git\+`/],
    ["git+host/repo.git", /needs a scheme/],
    ["git+svn://host/repo", /unsupported scheme `git\+svn`/],
    ["git+https://host/repo.git@", /followed by no reference/],
    ["git+https://host/repo.git@--upload-pack=touch", /not a valid git reference/],
    ["git+https://host/repo.git@a..b", /not a valid git reference/],
    ["git+https://host/repo.git@HEAD~1", /not a valid git reference/],
    ["git+https://host/repo.git@a%20b", /not a valid git reference/],
    ["git+https://host/repo.git#subdirectory=../escape", /relative path inside the repository/],
    ["git+https://host/repo.git#subdirectory=/abs", /relative path inside the repository/],
    ["git+https://host", /names no repository path/],
  ];
  for (const [given, reason] of invalid) {
    test(`rejects ${given}`, () => {
      assert.throws(
        () => GitUrl.parse(given),
        (error: unknown) =>
          error instanceof PuffinError &&
          error.code === "invalid-git-url" &&
          reason.test(error.message),
      );
    });
  }

  test("scp-style SSH addresses get a hint", () => {
    assert.throws(
      () => GitUrl.parse("git+ssh://git@github.com:org/repo.git"),
      (error: unknown) =>
        error instanceof PuffinError &&
        error.code === "invalid-git-url" &&
        /a `\/` between host and path/.test(error.hint ?? ""),
    );
  });

  test("credentials never appear in errors", () => {
    assert.throws(
      () => GitUrl.parse("git+https://user:secret@host/repo.git@a..b"),
      (error: unknown) =>
        error instanceof PuffinError &&
        !error.message.includes("secret") &&
        error.message.includes("user:****@host"),
    );
  });
});

describe("GitUrl forms", () => {
  test("toString round-trips, without egg", () => {
    const cases: [string, string][] = [
      [
        "git+https://host/repo.git@v1#egg=pkg&subdirectory=sub",
        "git+https://host/repo.git@v1#subdirectory=sub",
      ],
      ["git+ssh://git@host/repo.git", "git+ssh://git@host/repo.git"],
      ["git+https://host/repo.git@release%2F2.0", "git+https://host/repo.git@release/2.0"],
      ["git+https://host/repo.git@a%40b", "git+https://host/repo.git@a%40b"],
    ];
    for (const [given, expected] of cases) {
      assert.equal(GitUrl.parse(given).toString(), expected);
      assert.equal(GitUrl.parse(expected).toString(), expected);
    }
  });

  test("the canonical form pins a commit and keeps the subdirectory", () => {
    const url = GitUrl.parse("git+https://host/repo.git@main#subdirectory=sub");
    const pinned = url.withReference(SHA);
    assert.equal(pinned.toString(), `git+https://host/repo.git@${SHA}#subdirectory=sub`);
    assert.equal(url.reference, "main");
  });

  test("redacted() masks credentials, keeps the git user", () => {
    assert.equal(
      GitUrl.parse("git+https://user:secret@host/repo.git@main").redacted(),
      "git+https://user:****@host/repo.git@main",
    );
    assert.equal(
      GitUrl.parse("git+ssh://git@host/repo.git").redacted(),
      "git+ssh://git@host/repo.git",
    );
  });

  test("direct_url.json records the requested revision and the commit (PEP 610)", () => {
    const url = GitUrl.parse("git+https://host/repo.git@v1#subdirectory=sub");
    assert.equal(
      serializeDirectUrl(url.directUrl(SHA)),
      JSON.stringify({
        subdirectory: "sub",
        url: "https://host/repo.git",
        vcs_info: { commit_id: SHA, requested_revision: "v1", vcs: "git" },
      }),
    );
    const plain = GitUrl.parse("git+https://host/repo.git").directUrl(SHA);
    assert.equal(plain.requestedRevision, undefined);
  });
});

describe("classifyReference", () => {
  const cases: [string | undefined, ReturnType<typeof classifyReference>][] = [
    [undefined, { kind: "default-branch" }],
    ["main", { kind: "branch-or-tag", name: "main" }],
    ["v1.2.3", { kind: "branch-or-tag", name: "v1.2.3" }],
    ["abc123", { kind: "branch-or-tag", name: "abc123" }],
    ["abc1234", { kind: "branch-tag-or-commit", name: "abc1234" }],
    [SHA.toUpperCase(), { kind: "full-commit", commit: SHA }],
    ["a".repeat(64), { kind: "full-commit", commit: "a".repeat(64) }],
    ["refs/pull/42/head", { kind: "named-ref", name: "refs/pull/42/head" }],
  ];
  for (const [reference, expected] of cases) {
    test(`${reference} is ${expected.kind}`, () => {
      assert.deepEqual(classifyReference(reference), expected);
    });
  }
});
