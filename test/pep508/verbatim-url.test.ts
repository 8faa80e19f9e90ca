import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { VerbatimUrl } from "../../src/pep508/index.ts";
import { PuffinError, redactCredentials } from "../../src/support/index.ts";

describe("VerbatimUrl.parse", () => {
  test("keeps URLs as given and parses them", () => {
    const cases = [
      ["https://example.com/pkg/foo-1.0.tar.gz", "https://example.com/pkg/foo-1.0.tar.gz"],
      ["http://localhost:8080/simple/", "http://localhost:8080/simple/"],
      ["file:///absolute/path", "file:///absolute/path"],
      [
        "git+https://github.com/pypa/pip.git@23.2#egg=pip&subdirectory=src",
        "git+https://github.com/pypa/pip.git@23.2#egg=pip&subdirectory=src",
      ],
      ["gopher:/foo/com", "gopher:/foo/com"],
    ] as const;
    for (const [given, href] of cases) {
      const url = VerbatimUrl.parse(given);
      assert.equal(url.given, given);
      assert.equal(url.toString(), given);
      assert.equal(url.url.href, href);
    }
    const git = VerbatimUrl.parse(
      "git+https://github.com/pypa/pip.git@23.2#egg=pip&subdirectory=src",
    );
    assert.equal(git.url.protocol, "git+https:");
    assert.equal(git.url.pathname, "/pypa/pip.git@23.2");
    assert.equal(new URLSearchParams(git.url.hash.slice(1)).get("subdirectory"), "src");
  });

  test("turns local paths into file URLs, relative ones against the base directory", () => {
    const cases = [
      ["./dist/foo-1.0-py3-none-any.whl", "/base", "file:///base/dist/foo-1.0-py3-none-any.whl"],
      ["../project", "/base/sub", "file:///base/project"],
      ["project", "/base", "file:///base/project"],
      ["/abs/path with space", "/base", "file:///abs/path%20with%20space"],
      ["./project#subdirectory=src", "/base", "file:///base/project#subdirectory=src"],
    ] as const;
    for (const [given, base, href] of cases) {
      const url = VerbatimUrl.parse(given, base);
      assert.equal(url.given, given);
      assert.equal(url.url.href, href);
    }
  });

  test("a relative path without a base is relative to the current directory", () => {
    assert.equal(VerbatimUrl.parse("pkg").url.href, new URL(`file://${process.cwd()}/pkg`).href);
  });

  test("rejects empty input and unparseable URLs without leaking credentials", () => {
    assert.throws(
      () => VerbatimUrl.parse(""),
      (error: unknown) => error instanceof PuffinError && error.code === "invalid-url",
    );
    assert.throws(
      () => VerbatimUrl.parse("https://user:secret@[bad/"),
      (error: unknown) =>
        error instanceof PuffinError &&
        error.code === "invalid-url" &&
        !error.message.includes("secret") &&
        error.message.includes("user:****@"),
    );
  });
});

describe("VerbatimUrl.redacted", () => {
  test("masks a password, or a lone username (a token), and leaves other URLs alone", () => {
    const cases = [
      ["https://user:secret@example.com/simple/", "https://user:****@example.com/simple/"],
      ["git+https://ghp_token@github.com/a/b.git@v1", "git+https://****@github.com/a/b.git@v1"],
      ["git+ssh://git@github.com/a/b.git", "git+ssh://git@github.com/a/b.git"],
      ["https://example.com/a@b", "https://example.com/a@b"],
      ["./local/path", "./local/path"],
    ] as const;
    for (const [given, redacted] of cases) {
      assert.equal(VerbatimUrl.parse(given, "/base").redacted(), redacted);
      assert.equal(redactCredentials(given), redacted);
    }
  });
});
